using System.CommandLine;
using System.Globalization;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn train: validate hyperparameters, run a training job, stream its log, report test metrics.</summary>
public static class TrainCommand
{
    public const string Name = "train";
    public const string Description = "Train the k-NN algorithm on the train channel and score it on the test channel";

    public static readonly Option<string?> Train = new("--train") { Description = "Train channel: a CSV file or s3:// URI (default: from knn upload)" };
    public static readonly Option<string?> Test = new("--test") { Description = "Test channel: a CSV file or s3:// URI (default: from knn upload)" };
    public static readonly Option<string[]> Hp = new("--hp") { Description = "Any other hyperparameter, NAME=VALUE (repeatable)", AllowMultipleArgumentsPerToken = false };
    public static readonly Option<string?> InstanceType = InstanceTypeOption("--instance-type");
    public static readonly Option<int?> InstanceCount = InstanceCountOption("--instance-count");
    public static readonly Option<string> InputModeOption = new Option<string>("--input-mode") { Description = "Pipe (default) or File", DefaultValueFactory = _ => "Pipe" }.Suggesting("Pipe", "File");
    public static readonly Option<string?> JobName = new("--job-name") { Description = "Training job name (default: knn-<timestamp>)" };
    public static readonly Option<bool> NoWait = new("--no-wait") { Description = "Start the job and return without waiting" };
    public static readonly Option<bool> StopOnCancel = new("--stop-on-cancel") { Description = "On Ctrl-C, stop the training job too" };

    /// <summary>The instance options under a name of the caller's (knn run names them after the step: --train-instance-type).</summary>
    public static Option<string?> InstanceTypeOption(string name) => new(name) { Description = "Training instance type (default: ml.m5.large)" };

    public static Option<int?> InstanceCountOption(string name) => new(name) { Description = "Training instance count (default: 1)" };

    /// <summary>One typed option per hyperparameter, in kebab case, mapped to SageMaker's snake-case name.</summary>
    private static readonly (Option<string?> Option, string Name)[] Typed =
    [
        (new Option<string?>("--k") { Description = "Neighbours per prediction (default: 1)" }, "k"),
        (new Option<string?>("--sample-size") { Description = "Points sampled from the train channel (default: 1000)" }, "sample_size"),
        (new Option<string?>("--predictor-type") { Description = "classifier (default) or regressor" }.Suggesting(Engine.KnnHyperparameters.PredictorTypeNames), "predictor_type"),
        (new Option<string?>("--feature-dim") { Description = "Feature count (default: detected from the data)" }, "feature_dim"),
        (new Option<string?>("--index-type") { Description = "faiss.Flat (default), faiss.IVFFlat or faiss.IVFPQ" }.Suggesting(Engine.KnnHyperparameters.IndexTypeNames), "index_type"),
        (new Option<string?>("--index-metric") { Description = "L2 (default), INNER_PRODUCT or COSINE" }.Suggesting(Engine.KnnHyperparameters.IndexMetricNames), "index_metric"),
        (new Option<string?>("--dimension-reduction-type") { Description = "sign or fjlt" }.Suggesting(Engine.KnnHyperparameters.DimensionReductionTypeNames), "dimension_reduction_type"),
        (new Option<string?>("--dimension-reduction-target") { Description = "Target dimension for dimension reduction" }, "dimension_reduction_target"),
        (new Option<string?>("--faiss-index-ivf-nlists") { Description = "IVF centroids, or auto (sqrt(sample_size))" }, "faiss_index_ivf_nlists"),
        (new Option<string?>("--faiss-index-pq-m") { Description = "PQ sub-vectors (IVFPQ)" }, "faiss_index_pq_m"),
        (new Option<string?>("--mini-batch-size") { Description = "Observations per mini-batch of the data iterator (default: 5000); locally, how many test rows are read at a time" }, "mini_batch_size"),
    ];

    /// <summary>This verb's own options (knn run takes them too, bar the channels and --no-wait).</summary>
    public static IReadOnlyList<Option> Options => [Train, Test, Hp, InstanceType, InstanceCount, InputModeOption, JobName, NoWait, StopOnCancel, .. Typed.Select(t => t.Option)];

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        foreach (var option in Options) command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new TrainWorkflow(verb.Workflow).RunAsync(Read(parse), ct);
            verb.Results.Write(result, CliJsonContext.Default.TrainResult, output => Print(output, result));
        });
        return command.WithExamples("knn train --k 5 --sample-size 1000", "knn train --target sagemaker --instance-type ml.m5.large --no-wait");
    }

    public static TrainOptions Read(ParseResult parse)
    {
        var hyperparameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in parse.GetValue(Hp) ?? [])
        {
            var equals = entry.IndexOf('=');
            if (equals <= 0) throw new InputException($"--hp {entry}: expected NAME=VALUE.");
            hyperparameters[entry[..equals].Trim()] = entry[(equals + 1)..].Trim();
        }
        foreach (var (option, name) in Typed)
            if (parse.GetValue(option) is { } value) hyperparameters[name] = value;
        return new TrainOptions
        {
            Train = parse.GetValue(Train),
            Test = parse.GetValue(Test),
            Hyperparameters = hyperparameters,
            InstanceType = parse.GetValue(InstanceType),
            InstanceCount = parse.GetValue(InstanceCount),
            InputMode = parse.GetValue(InputModeOption) switch
            {
                "Pipe" or "pipe" => InputMode.Pipe,
                "File" or "file" => InputMode.File,
                var other => throw new InputException($"--input-mode {other}: expected Pipe or File."),
            },
            JobName = parse.GetValue(JobName),
            NoWait = parse.GetValue(NoWait),
            StopOnCancel = parse.GetValue(StopOnCancel),
        };
    }

    public static void Print(KnnConsole output, TrainResult result)
    {
        output.WriteLine($"Training job {result.JobName}: {result.Status}");
        foreach (var (name, value) in result.Metrics) output.WriteLine($"{name} = {value.ToString("R", CultureInfo.InvariantCulture)}");
        if (result.ModelArtifact is not null) output.WriteLine($"Model: {result.ModelArtifact}");
    }
}
