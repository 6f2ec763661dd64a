using System.CommandLine;
using KnnCli.Serving;

namespace KnnCli.Commands;

/// <summary>
/// knn serve: host a model behind SageMaker's inference contract (GET /ping, POST /invocations). With no options it
/// behaves like a SageMaker container: the model in /opt/ml/model, port 8080 or SAGEMAKER_BIND_TO_PORT.
/// </summary>
public static class ServeCommand
{
    public static readonly Option<string?> Model = new("--model") { Description = $"model.tar.gz or an extracted model folder (default: {ModelLoader.DefaultModelPath})" };
    public static readonly Option<string?> Host = new("--host") { Description = $"Address to bind (default: {ServerOptions.DefaultHost})" };
    public static readonly Option<int?> Port = new("--port") { Description = $"Port (default: {ServerOptions.SageMakerPortVariable} or {ServerOptions.DefaultPort}; 0 picks a free one)" };
    public static readonly Option<string?> EndpointName = new("--endpoint-name") { Description = "Answer the Runtime API (POST /endpoints/NAME/invocations) only for this endpoint name (default: any name)" };
    public static readonly Option<string?> Endpoints = new("--endpoints") { Description = "Host several endpoints: a folder with one NAME.json per endpoint naming its model (used by knn deploy); instead of --model" };
    public static readonly Option<string?> LogFile = new("--log-file") { Description = "Write server messages to this file instead of stdout (used by knn deploy)" };

    public static Command Create(KnnServices services)
    {
        var command = new Command("serve", "Serve a model over HTTP with SageMaker's inference contract");
        foreach (var option in new Option[] { Model, EndpointName, Endpoints, Host, Port, LogFile })
            command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            await using var log = parse.GetValue(LogFile) is { } path && !verb.Workflow.Settings.DryRun ? OpenLog(path) : null;
            var catalog = await CatalogAsync(parse, log ?? services.Error, ct);
            // With --log-file (a background server under knn deploy) server errors go to the file too.
            var options = ServerOptions.FromEnvironment(parse.GetValue(Host), parse.GetValue(Port), services.Environment) with { ErrorLog = log ?? services.Error };
            if (verb.Workflow.Settings.DryRun)
            {
                // The model is loaded and checked; nothing listens.
                verb.Workflow.Log.Info($"would listen on http://{options.Host}:{options.Port}");
                return;
            }
            var output = log ?? services.Output;
            await using var server = await InferenceServer.StartAsync(catalog, options, ct);
            await output.WriteLineAsync(server.ListeningMessage);
            await output.FlushAsync(ct);
            await server.WaitForShutdownAsync(ct);
            await output.WriteLineAsync("Stopped.");
        });
        return command;
    }

    private static async Task<IModelCatalog> CatalogAsync(ParseResult parse, TextWriter errors, CancellationToken cancellationToken)
    {
        Core.Targets.ResourceNames.Endpoint.Check("--endpoint-name", parse.GetValue(EndpointName));
        if (parse.GetValue(Endpoints) is { } folder)
        {
            if (parse.GetValue(Model) is not null || parse.GetValue(EndpointName) is not null)
                throw new Core.Errors.InputException("--endpoints hosts the endpoints its folder names: leave out --model and --endpoint-name.");
            return new FolderModelCatalog(folder, errors);
        }
        var model = await ModelLoader.LoadAsync(parse.GetValue(Model) ?? ModelLoader.DefaultModelPath, cancellationToken);
        return new SingleModelCatalog(model, parse.GetValue(EndpointName));
    }

    private static StreamWriter OpenLog(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
}
