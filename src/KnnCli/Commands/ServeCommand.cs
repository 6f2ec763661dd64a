using System.CommandLine;
using KnnCli.Core.Errors;
using KnnCli.Core.Workflow;
using KnnCli.Engine;
using KnnCli.Serving;

namespace KnnCli.Commands;

/// <summary>
/// knn serve: host a model behind SageMaker's inference contract (GET /ping, POST /invocations). With no --model it
/// serves the model of the last `knn train` in this folder; with none there, it behaves like a SageMaker container:
/// the model in /opt/ml/model, port 8080 or SAGEMAKER_BIND_TO_PORT.
/// </summary>
public static class ServeCommand
{
    public const string Name = "serve";
    public const string Description = "Serve a model over HTTP with SageMaker's inference contract";

    public static readonly Option<string?> Model = new("--model") { Description = $"model.tar.gz or an extracted model folder (default: the last knn train's model, else {ModelLoader.DefaultModelPath})" };
    public static readonly Option<string?> Host = new("--host") { Description = $"Address to bind (default: {ServerOptions.DefaultHost})" };
    public static readonly Option<int?> Port = new("--port") { Description = $"Port (default: {ServerOptions.SageMakerPortVariable} or {ServerOptions.DefaultPort}; 0 picks a free one)" };
    public static readonly Option<string?> EndpointName = new("--endpoint-name") { Description = "Answer the Runtime API (POST /endpoints/NAME/invocations) only for this endpoint name (default: any name)" };
    public static readonly Option<string?> Endpoints = new("--endpoints") { Description = "Host several endpoints: a folder with one NAME.json per endpoint naming its model (used by knn deploy); instead of --model" };
    public static readonly Option<string?> AsyncOutput = new("--async-output") { Description = "Be an asynchronous endpoint: write each InvokeEndpointAsync result under this s3:// path of the local store (used by knn deploy --async)" };
    public static readonly Option<string?> AsyncFailureOutput = new("--async-failure-output") { Description = "Where an asynchronous endpoint writes failures (s3://…; default: --async-output)" };
    public static readonly Option<int?> MaxConcurrentInvocations = new("--max-concurrent-invocations") { Description = "Queued requests an asynchronous endpoint works on at once (default: the processor count)" };
    public static readonly Option<string?> Store = new("--store") { Description = "The local store folder asynchronous requests are read from and written to (default: this folder's .knn/store)" };
    public static readonly Option<string?> LogFile = new("--log-file") { Description = "Write server messages to this file instead of stdout (used by knn deploy)" };

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        foreach (var option in new Option[] { Model, EndpointName, Endpoints, Host, Port, AsyncOutput, AsyncFailureOutput, MaxConcurrentInvocations, Store, LogFile })
            command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            await using var log = parse.GetValue(LogFile) is { } path && !verb.Workflow.Settings.DryRun ? OpenLog(path) : null;
            var output = log ?? services.Output;
            // Which model was loaded goes where the Listening line goes; a dry run says it through the (marked) log.
            Func<string, Task> announce = verb.Workflow.Settings.DryRun ? line => { verb.Workflow.Log.Info(line); return Task.CompletedTask; } : line => output.WriteLineAsync(line);
            var catalog = await CatalogAsync(parse, verb.Workflow, announce, log ?? services.Error, ct);
            // With --log-file (a background server under knn deploy) server errors go to the file too.
            var options = ServerOptions.FromEnvironment(parse.GetValue(Host), parse.GetValue(Port), services.Environment) with
            {
                ErrorLog = log ?? services.Error,
                Async = AsyncOptions(parse, verb.Workflow),
            };
            if (verb.Workflow.Settings.DryRun)
            {
                // The model is loaded and checked; nothing listens.
                verb.Workflow.Log.Info($"would listen on http://{options.Host}:{options.Port}");
                return;
            }
            await using var server = await InferenceServer.StartAsync(catalog, options, ct);
            await output.WriteLineAsync(server.ListeningMessage);
            await output.FlushAsync(ct);
            await server.WaitForShutdownAsync(ct);
            await output.WriteLineAsync("Stopped.");
        });
        return command.WithExamples("knn serve --model model.tar.gz --port 8080", "knn serve --endpoints endpoints/ --port 0");
    }

    private static async Task<IModelCatalog> CatalogAsync(ParseResult parse, WorkflowContext context, Func<string, Task> announce, TextWriter errors, CancellationToken cancellationToken)
    {
        Core.Targets.ResourceNames.Endpoint.Check("--endpoint-name", parse.GetValue(EndpointName));
        if (parse.GetValue(Endpoints) is { } folder)
        {
            if (parse.GetValue(Model) is not null || parse.GetValue(EndpointName) is not null)
                throw new Core.Errors.InputException("--endpoints hosts the endpoints its folder names: leave out --model and --endpoint-name.");
            return new FolderModelCatalog(folder, errors);
        }
        var model = await LoadModelAsync(parse.GetValue(Model), context, announce, cancellationToken);
        // Batched requests search through the index's pruning cells; built while the server starts and the client
        // connects, not inside the first requests (they wait for it if they come sooner).
        _ = Task.Run(model.PrepareBatchSearch, CancellationToken.None);
        return new SingleModelCatalog(model, parse.GetValue(EndpointName));
    }

    /// <summary>--model; else the artifact of the last knn train in this folder; else /opt/ml/model. Says which it loaded.</summary>
    private static async Task<KnnModel> LoadModelAsync(string? path, WorkflowContext context, Func<string, Task> announce, CancellationToken cancellationToken)
    {
        if (path is not null)
        {
            var given = await ModelLoader.LoadAsync(path, cancellationToken);
            await announce($"Serving {path}");
            return given;
        }
        var state = await context.State.LoadAsync(cancellationToken);
        if (state.ModelArtifactUri is { } trained)
        {
            var model = await ModelSource.LoadAsync(context, trained, cancellationToken);
            await announce($"Serving the model of the last knn train in this folder (job {state.TrainingJobName}): {trained}");
            return model;
        }
        if (!File.Exists(ModelLoader.DefaultModelPath) && !Directory.Exists(ModelLoader.DefaultModelPath))
            throw new NotFoundException($"No model to serve: no knn train in this folder and nothing at {ModelLoader.DefaultModelPath} (container mode); run `knn train` or pass --model model.tar.gz.");
        var container = await ModelLoader.LoadAsync(ModelLoader.DefaultModelPath, cancellationToken);
        await announce($"Serving {ModelLoader.DefaultModelPath} (container mode)");
        return container;
    }

    /// <summary>--async-output and its companions, checked; null for a real-time endpoint.</summary>
    private static AsyncInferenceOptions? AsyncOptions(ParseResult parse, WorkflowContext context)
    {
        if (parse.GetValue(AsyncOutput) is not { } output)
        {
            if (parse.GetValue(AsyncFailureOutput) is not null || parse.GetValue(MaxConcurrentInvocations) is not null || parse.GetValue(Store) is not null)
                throw new InputException("--async-failure-output, --max-concurrent-invocations and --store belong to an asynchronous endpoint: add --async-output.");
            return null;
        }
        var max = parse.GetValue(MaxConcurrentInvocations) ?? Environment.ProcessorCount;
        if (max is < 1 or > 1000) throw new InputException($"--max-concurrent-invocations {max}: use 1 to 1000.");
        var outputPath = Core.Targets.StoreUri.Parse(output);
        var failurePath = parse.GetValue(AsyncFailureOutput) is { } failure ? Core.Targets.StoreUri.Parse(failure) : outputPath;
        var store = new Targets.Local.FolderStore(parse.GetValue(Store) ?? Path.Combine(context.Settings.StateDirectory, "store"));
        return new AsyncInferenceOptions(store, outputPath, failurePath, max);
    }

    private static StreamWriter OpenLog(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
}
