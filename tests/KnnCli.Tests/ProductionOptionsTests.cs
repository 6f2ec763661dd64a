using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>
/// The production settings through the real executable: a bad value is refused with one line and exit 2 before any
/// request leaves (a listener stands where AWS would be and counts connections); the local target accepts good ones,
/// says once that they are for sagemaker, and records the tags.
/// </summary>
public sealed class ProductionOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-production-cli-").FullName;
    private readonly TcpListener _aws = new(IPAddress.Loopback, 0);

    public ProductionOptionsTests() => _aws.Start();

    public void Dispose()
    {
        _aws.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string?> SageMakerEnvironment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string?>
        {
            ["KNN_TARGET"] = "sagemaker",
            ["KNN_ROLE"] = "arn:aws:iam::123456789012:role/KnnTestRole",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key",
            ["AWS_ENDPOINT_URL"] = $"http://127.0.0.1:{((IPEndPoint)_aws.LocalEndpoint).Port}",
        };
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    public static TheoryData<string[], string[], string> BadSettings() => new()
    {
        { ["train", "--subnets", "subnet-zz", "--security-group-ids", "sg-0123abcd"], [], "error: --subnets 'subnet-zz': not a valid id" },
        { ["deploy", "--subnets", "subnet-0123abcd", "--security-group-ids", "sg-0123abcd,sg-1,sg-2"], [], "error: --security-group-ids 'sg-1': not a valid id" },
        { ["upload", "--kms-key-id", "my-key"], [], "error: --kms-key-id 'my-key': expected a KMS key id" },
        { ["train", "--spot", "--max-wait", "60"], [], "error: --max-wait 60: must be at least the max runtime (86400 s" },
        { ["run", "--tag", "aws:owner=me"], [], "error: --tag key 'aws:owner': the aws: prefix is reserved" },
        { ["train"], ["KNN_SUBNETS=subnet-0123abcd,subnet-bad"], "error: --subnets 'subnet-bad': not a valid id" },
        { ["deploy"], ["KNN_SPOT=perhaps"], "error: KNN_SPOT=perhaps: expected true or false." },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_is_one_line_and_exit_2_before_any_request(string[] args, string[] environment, string expected)
    {
        var extra = environment.Select(e => e.Split('=', 2)).Select(p => (p[0], p[1])).ToArray();
        var run = await KnnProcess.RunAsync(_directory, SageMakerEnvironment(extra), args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(expected, run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.False(_aws.Pending(), "a request reached the AWS endpoint");
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn", "store")));
    }

    [Fact]
    public async Task A_bad_id_in_the_settings_file_is_refused_the_same_way()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "knn.settings.json"),
            """{ "subnets": ["subnet-0123abcd"], "security_group_ids": ["sg-0123abcd"], "tags": { "team": "a,b" } }""");
        var run = await KnnProcess.RunAsync(_directory, SageMakerEnvironment(), "train");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --tag team=…: the value must be at most 256 characters", run.Error);
        Assert.False(_aws.Pending());
    }

    [Fact]
    public async Task The_local_target_accepts_them_says_once_they_are_for_sagemaker_and_records_the_tags()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "upload")).ExitCode);

        var run = await KnnProcess.RunAsync(_directory, new Dictionary<string, string?> { ["KNN_TAGS"] = "stage=dev" },
            "train", "--job-name", "knn-tagged", "--subnets", "subnet-0123abcd", "--security-group-ids", "sg-0123abcd",
            "--kms-key-id", "alias/knn", "--spot", "--tag", "team=search", "--tag", "cost center=ml 42");

        Assert.Equal(0, run.ExitCode);
        var notes = run.Error.Split('\n').Where(l => l.Contains("apply to the sagemaker target only", StringComparison.Ordinal)).ToList();
        Assert.Single(notes);
        Assert.Contains("Training job knn-tagged: Completed", run.Output);
        using var job = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, ".knn", "jobs", "knn-tagged.json")));
        var tags = job.RootElement.GetProperty("Tags").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?> { ["stage"] = "dev", ["team"] = "search", ["cost center"] = "ml 42" }, tags);
    }

    [Fact]
    public async Task Tags_alone_on_the_local_target_need_no_note()
    {
        var run = await KnnProcess.RunAsync(_directory, "status", "--tag", "team=search");
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("sagemaker target only", run.Error);
    }
}
