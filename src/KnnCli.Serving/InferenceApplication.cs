using System.Text;
using System.Text.Json;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Serving.Contract;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.ObjectPool;

namespace KnnCli.Serving;

/// <summary>
/// The request pipeline: the container contract (GET /ping, POST /invocations) and the Runtime API's InvokeEndpoint
/// (POST /endpoints/{name}/invocations) over the models of an <see cref="IModelCatalog"/>. One request is one
/// batched <see cref="KnnModel.Predict"/> call; its body, rows and response live in pooled buffers. An asynchronous
/// endpoint answers InvokeEndpointAsync (POST /endpoints/{name}/async-invocations) instead, through its queue.
/// </summary>
internal sealed class InferenceApplication
{
    private const string PlainText = "text/plain; charset=utf-8";

    private readonly IModelCatalog _catalog;
    private readonly AsyncInferenceOptions? _async;

    public InferenceApplication(IModelCatalog catalog, AsyncInferenceOptions? async = null, TextWriter? errorLog = null)
    {
        _catalog = catalog;
        _async = async;
        if (async is not null) Queue = new AsyncInvocationQueue(async.MaxConcurrentInvocations, RunQueuedAsync, errorLog ?? Console.Error);
    }

    /// <summary>The queue of an asynchronous endpoint (its owner disposes it after the server stops); null for a real-time one.</summary>
    public AsyncInvocationQueue? Queue { get; }

    private readonly ObjectPool<RequestScratch> _scratchPool =
        new DefaultObjectPool<RequestScratch>(new DefaultPooledObjectPolicy<RequestScratch>(), Environment.ProcessorCount * 8);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        if (path == "/invocations")
        {
            if (!HttpMethods.IsPost(request.Method))
            {
                await MethodNotAllowedAsync(context.Response, "POST");
                return;
            }
            var model = await _catalog.DefaultAsync(context.RequestAborted);
            if (model is null)
                await WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, "This server hosts several endpoints: POST /endpoints/{EndpointName}/invocations.");
            else
                await InvokeAsync(context, model, runtimeEndpoint: null);
            return;
        }
        if (path == "/ping")
        {
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) await MethodNotAllowedAsync(context.Response, "GET, HEAD");
            else context.Response.ContentLength = 0; // the server only runs once the model is loaded
            return;
        }
        if (RuntimeApi.TryMatch(path, out var endpointName, out var action))
        {
            await HandleRuntimeAsync(context, endpointName, action);
            return;
        }
        await WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, "Not found: the server answers GET /ping, POST /invocations and POST /endpoints/{EndpointName}/invocations.");
    }

    /// <summary>InvokeEndpoint (and InvokeEndpointAsync, which a real-time endpoint refuses), with the service's checks and errors.</summary>
    private async Task HandleRuntimeAsync(HttpContext context, string endpointName, string action)
    {
        var request = context.Request;
        if (action is not ("invocations" or "async-invocations") || !HttpMethods.IsPost(request.Method))
        {
            await WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, "Not found: the Runtime API here is POST /endpoints/{EndpointName}/invocations.");
            return;
        }
        if (RuntimeApi.Validate(request, endpointName) is { } invalid)
        {
            await RuntimeApi.WriteAsync(context.Response, invalid);
            return;
        }
        var model = await _catalog.FindAsync(endpointName, context.RequestAborted);
        if (model is null) await RuntimeApi.WriteAsync(context.Response, RuntimeApi.EndpointNotFound(endpointName));
        else if (action == "async-invocations" && _async is null) await RuntimeApi.WriteAsync(context.Response, RuntimeApi.NotAsync(endpointName));
        else if (action == "async-invocations") await QueueAsync(context, model, endpointName, _async!);
        else if (_async is not null) await RuntimeApi.WriteAsync(context.Response, RuntimeApi.OnlyAsync(endpointName));
        else await InvokeAsync(context, model, endpointName);
    }

    /// <summary>InvokeEndpointAsync: checks the request, queues it and answers 202 with where its result or failure will be.</summary>
    private async Task QueueAsync(HttpContext context, KnnModel model, string endpointName, AsyncInferenceOptions async)
    {
        var headers = context.Request.Headers;
        var input = headers[RuntimeApi.InputLocationHeader].ToString();
        var inferenceId = headers[RuntimeApi.InferenceIdHeader].ToString();
        if (inferenceId.Length == 0) inferenceId = Guid.NewGuid().ToString();
        if (RuntimeApi.ValidateAsync(input, inferenceId) is { } invalid)
        {
            await RuntimeApi.WriteAsync(context.Response, invalid);
            return;
        }
        var request = new QueuedRequest(model, inferenceId, StoreUri.Parse(input),
            NullIfEmpty(headers[RuntimeApi.AsyncContentTypeHeader].ToString()), NullIfEmpty(headers[RuntimeApi.AsyncAcceptHeader].ToString()),
            async.OutputPath.Append($"{inferenceId}.out"), async.FailurePath.Append($"{inferenceId}-error.out"));
        if (!Queue!.TryEnqueue(request))
        {
            await RuntimeApi.WriteAsync(context.Response, RuntimeApi.QueueFull(endpointName, AsyncInvocationQueue.Capacity));
            return;
        }
        await RuntimeApi.WriteQueuedAsync(context, request.InferenceId, request.Output.ToString(), request.Failure.ToString());
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>A worker's part: reads the input object, predicts, and writes the result object, or the failure object with the reason.</summary>
    private async Task RunQueuedAsync(QueuedRequest request)
    {
        var store = _async!.Store;
        var scratch = _scratchPool.Get();
        string reason;
        try
        {
            var format = MediaTypes.ParseContentType(request.ContentType, out var labelColumns);
            var accept = MediaTypes.ParseAccept(request.Accept);
            await using (var input = await store.OpenReadAsync(request.Input, CancellationToken.None))
                await CopyAsync(input, scratch.Body);
            Predict(request.Model, scratch, format, labelColumns, accept);
            using var result = new MemoryStream(scratch.Response.WrittenMemory.ToArray(), writable: false);
            await store.PutStreamAsync(result, request.Output, accept.ContentType, CancellationToken.None);
            return;
        }
        catch (InvalidRequestException e)
        {
            reason = $"Received client error ({e.StatusCode}) from primary with message \"{e.Message}\".";
        }
        catch (Exception e)
        {
            // A missing input object, an unreadable model file …: the client learns it from the failure object.
            reason = e.Message;
        }
        finally
        {
            scratch.Release();
            _scratchPool.Return(scratch);
        }
        using var failure = new MemoryStream(Encoding.UTF8.GetBytes(reason), writable: false);
        await store.PutStreamAsync(failure, request.Failure, PlainText, CancellationToken.None);
    }

    private static async Task CopyAsync(Stream input, PooledBuffer<byte> body)
    {
        var chunk = new byte[1 << 16];
        int read;
        while ((read = await input.ReadAsync(chunk)) > 0) body.Append(chunk.AsSpan(0, read));
    }

    /// <param name="runtimeEndpoint">The endpoint name when called through the Runtime API (its headers and error shape), else null.</param>
    private async Task InvokeAsync(HttpContext context, KnnModel model, string? runtimeEndpoint)
    {
        var scratch = _scratchPool.Get();
        try
        {
            var format = MediaTypes.ParseContentType(context.Request.ContentType, out var labelColumns);
            var accept = MediaTypes.ParseAccept(context.Request.Headers.Accept);
            await ReadBodyAsync(context.Request, scratch.Body, context.RequestAborted);
            Predict(model, scratch, format, labelColumns, accept);

            var response = context.Response;
            if (runtimeEndpoint is not null) RuntimeApi.WriteSuccessHeaders(context);
            response.ContentType = accept.ContentType;
            response.ContentLength = scratch.Response.Count;
            await response.Body.WriteAsync(scratch.Response.WrittenMemory, context.RequestAborted);
        }
        catch (InvalidRequestException e)
        {
            await WriteErrorAsync(context, runtimeEndpoint, e.StatusCode, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals while reading the body (e.g. malformed chunked encoding).
            await WriteErrorAsync(context, runtimeEndpoint, e.StatusCode, e.Message.ReplaceLineEndings(" "));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
        }
        finally
        {
            scratch.Release();
            _scratchPool.Return(scratch);
        }
    }

    private static Task WriteErrorAsync(HttpContext context, string? runtimeEndpoint, int statusCode, string message) =>
        runtimeEndpoint is null
            ? WriteErrorAsync(context.Response, statusCode, message)
            : RuntimeApi.WriteAsync(context.Response, RuntimeApi.FromModel(statusCode, message, runtimeEndpoint));

    /// <summary>Parses, predicts as one batch and writes the response into <see cref="RequestScratch.Response"/>.</summary>
    private static void Predict(KnnModel model, RequestScratch scratch, RequestFormat format, int labelColumns, ResponseFormat accept)
    {
        var rowCount = RequestParser.Parse(scratch.Body.WrittenSpan, format, labelColumns, model.FeatureDimension, scratch.Rows);
        var k = model.EffectiveK;
        var predictions = scratch.Predictions.ClearAndTake(rowCount);
        var distances = accept.Verbose ? scratch.Distances.ClearAndTake(rowCount * k) : default;
        var labels = accept.Verbose ? scratch.Labels.ClearAndTake(rowCount * k) : default;
        model.Predict(scratch.Rows.WrittenSpan, predictions, distances, labels);
        ResponseWriter.Write(scratch.Json, scratch.Response, accept, predictions, distances, labels, k);
    }

    /// <summary>Copies the body into <paramref name="body"/>, refusing it (413) as soon as it passes 6 MB.</summary>
    private static async Task ReadBodyAsync(HttpRequest request, PooledBuffer<byte> body, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared)
        {
            if (declared > InferenceServer.MaxPayloadBytes) throw PayloadTooLarge();
            // Sized for the declared body, but only up to 1 MiB before the bytes arrive: a client that declares
            // 6 MB on many connections and sends nothing must not make the server reserve 6 MB for each.
            body.EnsureCapacity((int)Math.Min(declared, 1 << 20));
        }
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (body.Count + buffer.Length > InferenceServer.MaxPayloadBytes)
            {
                reader.AdvanceTo(buffer.End);
                throw PayloadTooLarge();
            }
            foreach (var segment in buffer) body.Append(segment.Span);
            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted) return;
        }
    }

    private static InvalidRequestException PayloadTooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {InferenceServer.MaxPayloadBytes:N0} bytes (6 MB); send fewer rows per request.");

    private static Task MethodNotAllowedAsync(HttpResponse response, string allowed)
    {
        response.Headers.Allow = allowed;
        return WriteErrorAsync(response, StatusCodes.Status405MethodNotAllowed, $"Method not allowed: use {allowed}.");
    }

    private static Task WriteErrorAsync(HttpResponse response, int statusCode, string message)
    {
        if (response.HasStarted) return Task.CompletedTask;
        var body = Encoding.UTF8.GetBytes(message);
        response.StatusCode = statusCode;
        response.ContentType = PlainText;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length);
    }

    /// <summary>One request's buffers; pooled, so they are allocated once per concurrent request, not per request.</summary>
    private sealed class RequestScratch
    {
        public PooledBuffer<byte> Body { get; } = new();
        public PooledBuffer<float> Rows { get; } = new();
        public PooledBuffer<float> Predictions { get; } = new();
        public PooledBuffer<float> Distances { get; } = new();
        public PooledBuffer<float> Labels { get; } = new();
        public PooledBuffer<byte> Response { get; } = new();
        public Utf8JsonWriter Json { get; } = new(Stream.Null);

        /// <summary>Gives every array back to the pool, so an idle scratch holds no memory.</summary>
        public void Release()
        {
            Body.Release();
            Rows.Release();
            Predictions.Release();
            Distances.Release();
            Labels.Release();
            Response.Release();
            Json.Reset(Stream.Null);
        }
    }
}
