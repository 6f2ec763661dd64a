using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn deploy: model, endpoint config and endpoint, waiting until InService.</summary>
public static class DeployCommand
{
    public const string Name = "deploy";
    public const string Description = "Deploy the trained model to an endpoint (local: a knn serve process on 127.0.0.1)";

    public static readonly Option<string?> ModelData = new("--model-data") { Description = "Deploy this model artifact instead of the last training job's: s3://…/model.tar.gz or a local file" };
    public static readonly Option<string?> ModelName = new("--model-name") { Description = "Model name (default: the training job's name)" };
    public static readonly Option<string?> EndpointName = new("--endpoint-name") { Description = "Endpoint name (default: the training job's name)" };
    public static readonly Option<string?> InstanceType = InstanceTypeOption("--instance-type");
    public static readonly Option<int?> InstanceCount = InstanceCountOption("--instance-count");
    public static readonly Option<int?> ServerlessMemory = new("--serverless-memory") { Description = "Serverless endpoint memory in MB (1024-6144); makes the endpoint serverless" };
    public static readonly Option<int?> MaxConcurrency = new("--max-concurrency") { Description = "Serverless maximum concurrency (default: 5)" };
    public static readonly Option<int?> ProvisionedConcurrency = new("--provisioned-concurrency") { Description = "Serverless provisioned concurrency: invocations kept warm (1 to --max-concurrency)" };

    public static readonly Option<bool> Async = new("--async") { Description = "An asynchronous endpoint: requests are queued and results written to the store (predict waits for them)" };
    public static readonly Option<string?> Output = new("--output") { Description = "Async: where results go, s3://bucket/prefix (default: s3://BUCKET/PREFIX/async-endpoint-outputs/ENDPOINT)" };
    public static readonly Option<string?> FailureOutput = new("--failure-output") { Description = "Async: where failures go, s3://bucket/prefix (default: s3://BUCKET/PREFIX/async-endpoint-failures/ENDPOINT)" };
    public static readonly Option<string?> SuccessTopic = new("--success-topic") { Description = "Async: SNS topic ARN told of each result" };
    public static readonly Option<string?> ErrorTopic = new("--error-topic") { Description = "Async: SNS topic ARN told of each failure" };
    public static readonly Option<int?> MaxConcurrentInvocations = new("--max-concurrent-invocations") { Description = "Async: requests one instance works on at once (1-1000)" };
    public static readonly Option<bool> ScaleToZero = new("--scale-to-zero") { Description = "Async: scale in to zero instances when the queue is empty, out to --instance-count when requests wait (Application Auto Scaling)" };

    /// <summary>The instance options under a name of the caller's (knn run names them after the step: --deploy-instance-type).</summary>
    public static Option<string?> InstanceTypeOption(string name) => new(name) { Description = "Endpoint instance type (default: ml.t2.medium)" };

    public static Option<int?> InstanceCountOption(string name) => new(name) { Description = "Endpoint instance count (default: 1)" };

    /// <summary>This verb's own options (knn run takes them too).</summary>
    public static IReadOnlyList<Option> Options => [ModelName, EndpointName, InstanceType, InstanceCount, ServerlessMemory, MaxConcurrency, ProvisionedConcurrency,
        Async, Output, FailureOutput, SuccessTopic, ErrorTopic, MaxConcurrentInvocations, ScaleToZero];

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        foreach (var option in Options) command.Options.Add(option);
        // Deploy's own: knn run deploys the model it just trained.
        command.Options.Add(ModelData);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new DeployWorkflow(verb.Workflow).RunAsync(Read(parse) with { ModelData = parse.GetValue(ModelData) }, ct);
            verb.Results.Write(result, CliJsonContext.Default.DeployResult, output => Print(output, result));
        });
        return command.WithExamples("knn deploy", "knn deploy --target sagemaker --instance-type ml.m5.large --endpoint-name iris-knn");
    }

    public static DeployOptions Read(ParseResult parse) => new()
    {
        ModelName = parse.GetValue(ModelName),
        EndpointName = parse.GetValue(EndpointName),
        InstanceType = parse.GetValue(InstanceType),
        InstanceCount = parse.GetValue(InstanceCount),
        ServerlessMemory = parse.GetValue(ServerlessMemory),
        MaxConcurrency = parse.GetValue(MaxConcurrency),
        ProvisionedConcurrency = parse.GetValue(ProvisionedConcurrency),
        Async = parse.GetValue(Async),
        Output = parse.GetValue(Output),
        FailureOutput = parse.GetValue(FailureOutput),
        SuccessTopic = parse.GetValue(SuccessTopic),
        ErrorTopic = parse.GetValue(ErrorTopic),
        MaxConcurrentInvocations = parse.GetValue(MaxConcurrentInvocations),
        ScaleToZero = parse.GetValue(ScaleToZero),
    };

    public static void Print(KnnConsole output, DeployResult result)
    {
        output.WriteLine($"Endpoint {result.EndpointName}: {result.Status}{(result.Url is null ? "" : $" at {result.Url}")} (model {result.ModelName}, config {result.EndpointConfigName})");
        if (result.AsyncOutput is { } results)
            output.WriteLine($"Asynchronous: results in {results}/{(result.AsyncFailureOutput is { } failures ? $", failures in {failures}/" : "")}");
    }
}
