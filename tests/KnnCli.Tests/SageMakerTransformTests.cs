using System.Text;
using System.Text.Json;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;
using KnnCli.Engine.Training;
using KnnCli.Targets.SageMaker;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Tests;

/// <summary>
/// knn transform --target sagemaker, in process, against a real moto server with every request checked against the
/// official SageMaker model. moto completes a transform job at once but writes no output, so each test puts the
/// output object where the job writes it, as the k-NN container would; calls moto lacks are answered by a double
/// whose replies are checked against the model too.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class SageMakerTransformTests(MotoServer moto) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-transform-sagemaker-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly CheckedTransport _transport = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private FaultInjector? _faults;
    private bool _noRole;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Job => $"knn-transform-{_run}";

    private string Bucket => $"sagemaker-us-east-1-{MotoServer.AccountId}";

    private StoreUri JobFolder => new(Bucket, $"knn-{_run}/transform/{Job}");

    private async Task<int> KnnAsync(string[] args, CancellationToken cancellationToken = default)
    {
        _output.GetStringBuilder().Clear();
        _error.GetStringBuilder().Clear();
        var environment = moto.KnnEnvironment($"knn-{_run}");
        if (_noRole) environment.Remove("KNN_ROLE");
        environment["AWS_CONFIG_FILE"] = Path.Combine(_directory, "no-config");
        environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory, "no-credentials");
        var services = new KnnServices
        {
            Output = _output, Error = _error, WorkingDirectory = _directory, Environment = environment.GetValueOrDefault, Interactive = false,
            TargetOverride = new MotoTargets(() => moto.Options(() => _transport.Create(_faults is { } injector ? inner => new FaultHandler(injector, inner) : null))),
        };
        return await KnnApp.RunAsync(args, services, cancellationToken);
    }

    private Task<int> TransformAsync(string input, string output, params string[] more) =>
        KnnAsync(["transform", "--model", WriteModel(), "--input", input, "--output", output, "--job-name", Job, .. more]);

    /// <summary>A real model.tar.gz over the points 0..9 on a line: x &lt; 5 is class 0, the rest class 1.</summary>
    private string WriteModel()
    {
        var path = Path.Combine(_directory, "model.tar.gz");
        if (File.Exists(path)) return path;
        var hp = KnnHyperparameters.Parse(new Dictionary<string, string> { ["k"] = "1", ["sample_size"] = "100", ["predictor_type"] = "classifier" });
        var model = KnnModelBuilder.Build([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1], 1, hp);
        using var file = File.Create(path);
        ModelArtifact.WriteAsync(file, model, CancellationToken.None).GetAwaiter().GetResult();
        return path;
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>Writes what the k-NN container writes for the job's input file: &lt;output&gt;/&lt;file&gt;.out.</summary>
    private async Task PutJobOutputAsync(string inputName, params string[] lines)
    {
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), new RecordingLog(), moto.Options());
        await target.Store.EnsureBucketAsync(Bucket, CancellationToken.None);
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        await target.Store.PutStreamAsync(content, JobFolder.Append($"output/{inputName}.out"), "application/jsonlines", CancellationToken.None);
    }

    private async Task<bool> ExistsAsync(StoreUri uri)
    {
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), new RecordingLog(), moto.Options());
        return await target.Store.ExistsAsync(uri, CancellationToken.None);
    }

    private IEnumerable<string> RecordedResources() =>
        StateJson.Target(_directory, "sagemaker").TryGetProperty("resources", out var resources)
            ? resources.EnumerateArray().Select(r => r.GetProperty("name").GetString()!)
            : [];

    [Fact]
    public async Task A_labelled_file_goes_up_runs_as_a_batch_transform_job_and_comes_back_in_input_order_with_its_accuracy()
    {
        var input = Write("rows.csv", "0,1.1", "1,7.9", "0,6.2"); // the last row is predicted 1: accuracy 2/3
        await PutJobOutputAsync("rows.csv", """{"predicted_label":0.0}""", """{"predicted_label":1.0}""", """{"predicted_label":1.0}""");
        var output = Path.Combine(_directory, "predictions.csv");

        Assert.True(await TransformAsync(input, output, "--yes", "--json", "--instance-count", "2") == 0, _error.ToString());

        Assert.Equal(["0.0", "1.0", "1.0"], File.ReadAllLines(output));
        var result = JsonDocument.Parse(_output.ToString()).RootElement;
        Assert.Equal(Job, result.GetProperty("transform_job_name").GetString());
        Assert.Equal(3, result.GetProperty("rows").GetInt64());
        Assert.Equal(2 / 3.0, result.GetProperty("accuracy").GetDouble(), 12);

        Assert.Empty(_transport.Violations);
        var job = _transport.LastBody("SageMaker.CreateTransformJob");
        Assert.Equal(Job, job.GetProperty("ModelName").GetString());
        Assert.Equal(6, job.GetProperty("MaxPayloadInMB").GetInt32());
        Assert.Equal("MultiRecord", job.GetProperty("BatchStrategy").GetString());
        var source = job.GetProperty("TransformInput");
        Assert.Equal("text/csv", source.GetProperty("ContentType").GetString());
        Assert.Equal("Line", source.GetProperty("SplitType").GetString());
        Assert.Equal(JobFolder.Append("input/rows.csv").ToString(), source.GetProperty("DataSource").GetProperty("S3DataSource").GetProperty("S3Uri").GetString());
        var destination = job.GetProperty("TransformOutput");
        Assert.Equal("application/jsonlines", destination.GetProperty("Accept").GetString());
        Assert.Equal("Line", destination.GetProperty("AssembleWith").GetString());
        Assert.Equal(JobFolder.Append("output").ToString(), destination.GetProperty("S3OutputPath").GetString());
        Assert.Equal(2, job.GetProperty("TransformResources").GetProperty("InstanceCount").GetInt32());
        // The label column stays in the file but never reaches the model; nothing is joined unless asked.
        Assert.Equal("$[1:]", job.GetProperty("DataProcessing").GetProperty("InputFilter").GetString());
        Assert.False(job.GetProperty("DataProcessing").TryGetProperty("JoinSource", out _));

        // The local model.tar.gz went up under the prefix's models/ folder and became the job's own model, deleted once the job ended.
        var model = _transport.LastBody("SageMaker.CreateModel");
        Assert.StartsWith($"s3://{Bucket}/knn-{_run}/models/model-", model.GetProperty("PrimaryContainer").GetProperty("ModelDataUrl").GetString());
        Assert.Equal(Job, _transport.LastBody("SageMaker.DeleteModel").GetProperty("ModelName").GetString());
        Assert.DoesNotContain(Job, RecordedResources());
        Assert.True(await ExistsAsync(JobFolder.Append("input/rows.csv")));
    }

    [Fact]
    public async Task Join_input_asks_the_job_for_JoinSource_Input_and_writes_each_row_followed_by_its_prediction()
    {
        var input = Write("rows.csv", "0,1.1", "1,7.9");
        // The job joins each CSV row with its JSON prediction as Batch Transform does.
        await PutJobOutputAsync("rows.csv",
            """{"SageMakerInput":[0,1.1],"SageMakerOutput":{"predicted_label":0.0}}""",
            """{"SageMakerInput":[1,7.9],"SageMakerOutput":{"predicted_label":1.0}}""");
        var output = Path.Combine(_directory, "joined.csv");

        Assert.True(await TransformAsync(input, output, "--yes", "--join-input") == 0, _error.ToString());

        Assert.Equal(["0,1.1,0.0", "1,7.9,1.0"], File.ReadAllLines(output));
        Assert.Equal("Input", _transport.LastBody("SageMaker.CreateTransformJob").GetProperty("DataProcessing").GetProperty("JoinSource").GetString());
        Assert.Contains($"Transform job {Job}: Completed", _output.ToString());
        Assert.Contains("Accuracy: 1.0000", _output.ToString());
    }

    [Fact]
    public async Task A_failed_job_is_one_line_with_the_services_reason_and_writes_nothing()
    {
        var failed = $$"""
            {"TransformJobName":"{{Job}}","TransformJobArn":"arn:aws:sagemaker:us-east-1:{{MotoServer.AccountId}}:transform-job/{{Job}}",
             "TransformJobStatus":"Failed","FailureReason":"ClientError: See job logs for more information","ModelName":"{{Job}}",
             "TransformInput":{"DataSource":{"S3DataSource":{"S3DataType":"S3Prefix","S3Uri":"s3://b/k" } } },
             "TransformResources":{"InstanceType":"ml.m5.large","InstanceCount":1 },"CreationTime":1764720000 }
            """;
        AssertIsReply("DescribeTransformJob", failed);
        _faults = new FaultInjector((request, _) => FaultHandler.Operation(request) == "SageMaker.DescribeTransformJob" ? FaultHandler.Json(failed) : null);
        var output = Path.Combine(_directory, "predictions.jsonl");

        Assert.Equal(1, await TransformAsync(Write("rows.csv", "1.1"), output, "--yes"));

        Assert.Equal($"error: Transform job {Job} failed: ClientError: See job logs for more information", _error.ToString().Trim().Split('\n')[^1]);
        Assert.False(File.Exists(output));
        Assert.DoesNotContain(Job, RecordedResources());
        Assert.Empty(_transport.Violations);
    }

    [Fact]
    public async Task An_output_shorter_than_the_input_is_a_remote_failure_and_writes_nothing()
    {
        await PutJobOutputAsync("rows.csv", """{"predicted_label":0.0}""");
        var output = Path.Combine(_directory, "predictions.csv");

        Assert.Equal(1, await TransformAsync(Write("rows.csv", "1.1", "7.9"), output, "--yes"));

        Assert.Contains($"{JobFolder.Append("output/rows.csv.out")} ends after 1 predictions, before the input does", _error.ToString());
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Without_yes_and_with_no_terminal_it_refuses_before_anything_is_uploaded_or_created()
    {
        Assert.Equal(2, await TransformAsync(Write("rows.csv", "1.1"), Path.Combine(_directory, "out.csv")));

        Assert.Contains("transform starts SageMaker instances (batch transform job: 1 × ml.m5.large, at most 24 instance-hours", _error.ToString());
        Assert.Contains("pass --yes", _error.ToString());
        Assert.DoesNotContain(_transport.Operations, o => o.StartsWith("SageMaker.Create", StringComparison.Ordinal));
        Assert.False(await ExistsAsync(JobFolder.Append("input/rows.csv")));
    }

    [Fact]
    public async Task No_role_or_an_s3_input_is_refused_in_one_line_before_anything_is_uploaded()
    {
        _noRole = true;
        Assert.Equal(2, await TransformAsync(Write("rows.csv", "1.1"), Path.Combine(_directory, "out.csv"), "--yes"));
        Assert.Equal("error: A Batch Transform job on SageMaker needs an execution role for its model: pass --role arn:aws:iam::<account>:role/<name>.", _error.ToString().Trim().Split('\n')[^1]);

        _noRole = false;
        Assert.Equal(2, await TransformAsync("s3://bucket/rows.csv", Path.Combine(_directory, "out.csv"), "--yes"));
        Assert.Contains("--input s3://bucket/rows.csv: transform reads a local CSV file", _error.ToString());

        Assert.Empty(_transport.Operations);
        Assert.False(await ExistsAsync(JobFolder.Append("input/rows.csv")));
    }

    [Fact]
    public async Task A_dry_run_says_what_it_would_create_and_creates_nothing()
    {
        var output = Path.Combine(_directory, "out.csv");
        Assert.True(await TransformAsync(Write("rows.csv", "1.1"), output, "--dry-run") == 0, _error.ToString());

        Assert.Contains("CreateTransformJob", _error.ToString());
        Assert.DoesNotContain(_transport.Operations, o => o.StartsWith("SageMaker.Create", StringComparison.Ordinal));
        Assert.False(File.Exists(output));
        Assert.False(await ExistsAsync(JobFolder.Append("input/rows.csv")));
    }

    [Fact]
    public async Task Ctrl_C_while_the_job_runs_stops_it_and_deletes_its_model()
    {
        using var cancel = new CancellationTokenSource();
        var inProgress = $$"""
            {"TransformJobName":"{{Job}}","TransformJobArn":"arn:aws:sagemaker:us-east-1:{{MotoServer.AccountId}}:transform-job/{{Job}}",
             "TransformJobStatus":"InProgress","ModelName":"{{Job}}",
             "TransformInput":{"DataSource":{"S3DataSource":{"S3DataType":"S3Prefix","S3Uri":"s3://b/k" } } },
             "TransformResources":{"InstanceType":"ml.m5.large","InstanceCount":1 },"CreationTime":1764720000 }
            """;
        AssertIsReply("DescribeTransformJob", inProgress);
        AssertIsReply("StopTransformJob", "{}");
        _faults = new FaultInjector((request, attempt) =>
        {
            switch (FaultHandler.Operation(request))
            {
                case "SageMaker.DescribeTransformJob":
                    if (attempt == 2) cancel.Cancel();
                    return FaultHandler.Json(inProgress);
                case "SageMaker.StopTransformJob":
                    return FaultHandler.Json("{}");
                default:
                    return null;
            }
        });
        var output = Path.Combine(_directory, "out.csv");

        Assert.Equal(130, await KnnAsync(["transform", "--model", WriteModel(), "--input", Write("rows.csv", "1.1"), "--output", output, "--job-name", Job, "--yes"], cancel.Token));

        Assert.Equal(1, _faults.Attempts("SageMaker.StopTransformJob"));
        Assert.Equal(Job, _transport.LastBody("SageMaker.StopTransformJob").GetProperty("TransformJobName").GetString());
        Assert.Contains($"Transform job {Job} is stopping", _error.ToString());
        Assert.False(File.Exists(output));
        Assert.DoesNotContain(Job, RecordedResources());
        Assert.Empty(_transport.Violations);
    }

    /// <summary>A canned reply must be one the real service could send: the operation's output shape accepts it.</summary>
    private static void AssertIsReply(string operation, string json)
    {
        if (ServiceModel.SageMaker.OutputShape(operation) is not { } shape)
        {
            Assert.Equal("{}", json);
            return;
        }
        var errors = new List<string>();
        ServiceModel.SageMaker.Validate(shape, JsonDocument.Parse(json).RootElement, operation, errors);
        Assert.Empty(errors);
    }
}
