using KnnCli.Core.Errors;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Tests;

/// <summary>
/// Names and the role ARN follow SageMaker's API-model rules on both targets, checked before any call (issue 9,
/// item 8), and deploying to a taken endpoint name is refused the same way on both.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class NameValidationTests(MotoServer moto) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-names-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>
    /// The sagemaker target pointed at a port where nothing listens: any call would end in exit 3, so exit 2 with the
    /// rule's line shows the name was refused before one was made.
    /// </summary>
    private static Dictionary<string, string?> Target(string target) => target == "local"
        ? new() { ["KNN_TARGET"] = "local" }
        : new()
        {
            ["KNN_TARGET"] = "sagemaker",
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1",
            ["AWS_MAX_ATTEMPTS"] = "1",
            ["KNN_ROLE"] = MotoServer.RoleArn,
        };

    public static TheoryData<string, string[], string> BadNames()
    {
        var data = new TheoryData<string, string[], string>();
        var tooLong = new string('a', 64);
        (string[] Args, string Line)[] cases =
        [
            (["train", "--job-name", "bad name!"], "--job-name 'bad name!': not a valid training job name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (SageMaker's TrainingJobName rule)."),
            (["train", "--job-name", tooLong], $"--job-name '{tooLong[..40]}… (64 characters)': not a valid training job name"),
            (["train", "--job-name", "knn-"], "--job-name 'knn-': not a valid training job name"),
            (["train", "--role", "notanarn"], "--role 'notanarn': not a valid IAM role ARN: expected arn:aws:iam::<12-digit account>:role/<name>, 20 to 2048 characters (SageMaker's RoleArn rule)."),
            (["train", "--role", "arn:aws:iam::12345:role/x"], "--role 'arn:aws:iam::12345:role/x': not a valid IAM role ARN"),
            (["deploy", "--endpoint-name", "my_endpoint.1"], "--endpoint-name 'my_endpoint.1': not a valid endpoint name: 1 to 63 letters"),
            (["deploy", "--model-name", "-model"], "--model-name '-model': not a valid model name"),
            (["deploy", "--role", "arn:aws:iam::123456789012:user/knn"], "--role 'arn:aws:iam::123456789012:user/knn': not a valid IAM role ARN"),
            (["predict", "--endpoint-name", "a.b", "--rows", "1,2,3,4"], "--endpoint-name 'a.b': not a valid endpoint name"),
            (["cleanup", "--endpoint-name", "ünïcode"], "--endpoint-name 'ünïcode': not a valid endpoint name"),
            (["train", "--job-name", "name\nwith-newline"], "--job-name 'name\\nwith-newline': not a valid training job name"),
            (["run", "--role", "role/KnnRole"], "--role 'role/KnnRole': not a valid IAM role ARN"),
            (["serve", "--endpoint-name", "x_y", "--model", "none.tar.gz"], "--endpoint-name 'x_y': not a valid endpoint name"),
        ];
        foreach (var target in new[] { "local", "sagemaker" })
            foreach (var (args, line) in cases)
            {
                if (args[0] == "serve" && target == "sagemaker") continue; // serve is local by nature
                data.Add(target, args, line);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task A_bad_name_or_role_is_one_line_naming_the_option_and_the_rule_before_any_call(string target, string[] args, string expected)
    {
        var run = await KnnProcess.RunAsync(_directory, Target(target), args);

        Assert.Equal(ExitCodes.UsageOrInput, run.ExitCode);
        var line = FailureLineTests.AssertOneErrorLine(run.Error);
        Assert.StartsWith($"error: {expected}", line);
        Assert.Empty(run.Output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
    }

    [Theory]
    [InlineData("local")]
    [InlineData("sagemaker")]
    public async Task Names_at_the_limits_of_the_rules_are_accepted(string target)
    {
        var environment = Target(target);
        // A dry run stops before any change; 63 characters, inner hyphens and a full role ARN all pass the rules.
        var name = "a" + new string('-', 3) + new string('b', 59);
        var run = await KnnProcess.RunAsync(_directory, environment, "train", "--dry-run", "--bucket", "knn-names", "--job-name", name,
            "--role", "arn:aws-us-gov:iam::123456789012:role/service-role/Knn+Role=a,b.c@d_e");

        Assert.DoesNotContain("not a valid", run.Error);
        Assert.Contains("Nothing to train on", run.Error);
    }

    [Theory]
    [InlineData("local")]
    [InlineData("sagemaker")]
    public async Task Deploying_to_an_endpoint_name_in_use_is_refused_with_exit_2_and_the_endpoint_keeps_serving(string target)
    {
        var environment = target == "local"
            ? new Dictionary<string, string?> { ["KNN_TARGET"] = "local" }
            : moto.Environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        if (target == "sagemaker")
        {
            environment["KNN_TARGET"] = "sagemaker";
            environment["KNN_ROLE"] = MotoServer.RoleArn;
        }
        var endpoint = $"knn-taken-{Guid.NewGuid():N}"[..24];
        async Task<KnnRun> Knn(params string[] args) => await KnnProcess.RunAsync(_directory, environment, args);
        async Task Ok(params string[] args)
        {
            var run = await Knn(args);
            Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        }

        await Ok("prepare");
        await Ok("upload");
        await Ok("train", "--job-name", endpoint + "-job", "--yes");
        await Ok("deploy", "--endpoint-name", endpoint, "--yes");
        var state = await File.ReadAllTextAsync(Path.Combine(_directory, ".knn", "state.json"));
        try
        {
            var again = await Knn("deploy", "--endpoint-name", endpoint, "--model-name", endpoint + "-second");

            Assert.Equal(ExitCodes.UsageOrInput, again.ExitCode);
            var line = FailureLineTests.AssertOneErrorLine(again.Error);
            Assert.Equal($"error: Endpoint {endpoint} already exists (InService); delete it with `knn cleanup --endpoint-name {endpoint}` or pass another --endpoint-name.", line);
            Assert.Equal(state, await File.ReadAllTextAsync(Path.Combine(_directory, ".knn", "state.json")));
            var status = await Knn("status");
            Assert.Matches($@"{endpoint}\s+InService", status.Output);
            Assert.DoesNotContain(endpoint + "-second", status.Output);
        }
        finally
        {
            await Ok("cleanup");
        }
    }
}
