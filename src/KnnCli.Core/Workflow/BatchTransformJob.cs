using System.Globalization;
using System.Text.Json;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.State;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

/// <summary>
/// transform on the sagemaker target: the input goes up to the store, a Batch Transform job runs the model over it
/// on the instances asked for (after the cost guard), and its output comes back as predictions to write in input
/// order. The job's model is made for it, recorded in the state while it exists, and deleted once the job ends.
/// </summary>
public sealed class BatchTransformJob(WorkflowContext context)
{
    /// <summary>The job's name, known once <see cref="RunAsync"/> starts.</summary>
    public string? JobName { get; private set; }

    /// <summary>The completed job's predictions, one per input row in input order; null in a dry run.</summary>
    /// <param name="inputPath">The rows to upload: options.Input, or its rewrite from a header (of the same name).</param>
    public async Task<JobPredictions?> RunAsync(TransformOptions options, string inputPath, KnnState state, string modelSource, bool labelled, CancellationToken cancellationToken)
    {
        // Refused before anything is uploaded: the job's model cannot be created without it.
        if (context.Settings.RoleArn is null)
            throw new InputException("A Batch Transform job on SageMaker needs an execution role for its model: pass --role arn:aws:iam::<account>:role/<name>.");
        var jobName = JobName = options.JobName ?? WorkflowContext.UniqueName("knn-transform");
        var instanceType = options.InstanceType ?? BatchTransformRequest.DefaultInstanceType;
        var instanceCount = options.InstanceCount ?? 1;
        var maxRun = context.Settings.Production.MaxRunSeconds;
        await context.Costs.ConfirmAsync(context, "transform",
            [new InstanceSpend("batch transform job", instanceType, instanceCount, TimeSpan.FromSeconds(maxRun), $"knn stops the job after --max-run {maxRun} s; SageMaker sets it no limit")],
            cancellationToken);

        var target = context.CreateTarget();
        try
        {
            var predictions = await RunJobAsync(target, options, inputPath, state, modelSource, labelled, jobName, instanceType, instanceCount, cancellationToken);
            if (predictions is null) await target.DisposeAsync();
            return predictions;
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }
    }

    private async Task<JobPredictions?> RunJobAsync(ITarget target, TransformOptions options, string inputPath, KnnState state, string modelSource, bool labelled,
        string jobName, string instanceType, int instanceCount, CancellationToken cancellationToken)
    {
        var transformer = target.BatchTransformer ?? throw new InputException($"The {target.Name} target has no Batch Transform jobs.");
        var artifact = await ModelSource.ToStoreAsync(context, target, state, modelSource, "--model", cancellationToken);
        var bucket = await context.ReadyBucketAsync(target, state, cancellationToken);
        var root = new StoreUri(bucket, $"{context.Settings.Prefix}/transform/{jobName}");
        var fileName = Path.GetFileName(inputPath);
        var input = root.Append($"input/{fileName}");
        var output = root.Append("output");
        await UploadAsync(target, inputPath, input, cancellationToken);

        var request = new BatchTransformRequest
        {
            JobName = jobName,
            ModelName = jobName,
            ModelArtifact = artifact,
            Input = input,
            Output = output,
            Accept = options.Neighbors ? "application/jsonlines; verbose=true" : "application/jsonlines",
            // The label column stays in the file (and in a joined output) but never reaches the model.
            InputFilter = labelled ? "$[1:]" : null,
            JoinInput = options.JoinInput,
            InstanceType = instanceType,
            InstanceCount = instanceCount,
            MaxRuntime = TimeSpan.FromSeconds(context.Settings.Production.MaxRunSeconds),
        };
        if (!context.Settings.DryRun)
            await context.State.UpdateAsync(s => s.WithResource(new KnnResource { Kind = ResourceKinds.Model, Name = request.ModelName, Created = DateTimeOffset.UtcNow }), cancellationToken);
        BatchTransformResult result;
        try
        {
            result = await transformer.TransformAsync(request, context.Log, cancellationToken);
        }
        finally
        {
            if (!context.Settings.DryRun) await DeleteModelAsync(target, request.ModelName);
        }

        switch (result.Status)
        {
            case "DryRun":
                return null;
            case "Failed":
                throw new RemoteFailureException($"Transform job {jobName} failed: {result.FailureReason ?? "no reason given"}");
            case "Stopped":
                throw new RemoteFailureException($"Transform job {jobName} was stopped before it finished; {options.Output} was not written.");
        }
        var predictions = output.Append($"{fileName}.out");
        if (!await target.Store.ExistsAsync(predictions, cancellationToken))
            throw new RemoteFailureException($"Transform job {jobName} completed but wrote no {predictions}.");
        context.Log.Info($"Reading the predictions from {predictions}");
        return new JobPredictions(predictions, await target.Store.OpenReadAsync(predictions, cancellationToken), target);
    }

    private async Task UploadAsync(ITarget target, string file, StoreUri destination, CancellationToken cancellationToken)
    {
        if (context.Settings.DryRun)
        {
            context.Log.Info($"Would upload {file} to {destination}");
            return;
        }
        using (var progress = context.Log.Progress("upload", new FileInfo(file).Length, ProgressUnit.Bytes))
            await target.Store.PutFileAsync(file, destination, "text/csv", progress, cancellationToken);
        context.Log.Info($"Uploaded {file} to {destination}");
    }

    /// <summary>The job's model is no use once the job has ended; one that cannot be deleted stays recorded for `knn cleanup`.</summary>
    private async Task DeleteModelAsync(ITarget target, string modelName)
    {
        try
        {
            await target.Hosting.DeleteAsync(null, null, modelName, context.Log, CancellationToken.None);
            await context.State.UpdateAsync(s => s.WithoutResources([(ResourceKinds.Model, modelName)]), CancellationToken.None);
        }
        catch (KnnException e)
        {
            context.Log.Warn($"Could not delete the transform job's model {modelName} ({e.Message}); `knn cleanup` deletes it.");
        }
    }
}

/// <summary>
/// A transform job's output object read line by line: SageMaker's application/jsonlines lines, joined with their
/// input rows or not. Disposes <paramref name="owner"/> (the target it reads through) with itself.
/// </summary>
public sealed class JobPredictions(StoreUri source, Stream stream, IAsyncDisposable? owner = null) : IAsyncDisposable
{
    private readonly StreamReader _reader = new(stream);
    private long _line;

    /// <summary>The next <paramref name="batch"/>'s predictions; an output that ends early is the job's failure.</summary>
    public async Task<RowPrediction[]> NextAsync(NumericBatch batch, CancellationToken cancellationToken)
    {
        var predictions = new RowPrediction[batch.RowCount];
        for (var r = 0; r < batch.RowCount; r++)
        {
            var line = await NextLineAsync(cancellationToken)
                ?? throw new RemoteFailureException($"{source} ends after {_line} predictions, before the input does.");
            predictions[r] = Parse(line);
        }
        return predictions;
    }

    /// <summary>After the input's last row: the output must end too.</summary>
    public async Task EndAsync(long rows, CancellationToken cancellationToken)
    {
        if (await NextLineAsync(cancellationToken) is not null)
            throw new RemoteFailureException($"{source} holds more predictions than the {rows} input rows.");
    }

    private async Task<string?> NextLineAsync(CancellationToken cancellationToken)
    {
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            _line++;
            return line;
        }
        return null;
    }

    /// <summary>
    /// {"predicted_label":…[,"distances":[…],"labels":[…]]}, or joined: {"SageMakerInput":…,"SageMakerOutput":{…}}, or a
    /// CSV input row with that object appended. Numbers keep the service's text.
    /// </summary>
    private RowPrediction Parse(string line)
    {
        var start = line.IndexOf('{');
        try
        {
            if (start < 0) throw new JsonException("no JSON object");
            using var document = JsonDocument.Parse(line.AsMemory(start));
            var root = document.RootElement;
            var prediction = root.TryGetProperty("SageMakerOutput", out var joined) ? joined : root;
            var label = prediction.GetProperty("predicted_label");
            return new RowPrediction(label.GetRawText(), float.Parse(label.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture),
                RawArray(prediction, "distances"), RawArray(prediction, "labels"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new RemoteFailureException($"{source}, line {_line}: not a k-NN prediction ({ErrorText.Excerpt(line)}): {e.Message}", e);
        }
    }

    private static string[]? RawArray(JsonElement prediction, string name) =>
        prediction.TryGetProperty(name, out var values) ? values.EnumerateArray().Select(v => v.GetRawText()).ToArray() : null;

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        if (owner is not null) await owner.DisposeAsync();
    }
}
