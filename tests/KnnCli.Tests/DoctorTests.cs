using System.Text.Json;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Tests;

/// <summary>knn doctor through the real executable: on sagemaker against a real moto server, one case per failure mode; on local in an empty folder.</summary>
[Collection(MotoCollection.Name)]
public sealed class DoctorTests(MotoServer moto) : IDisposable
{
    // Recognisable, so a leak into any output is caught by Doctor().
    private const string Secret = "KNNFAKESECRETdoNotPrint0123456789abcdef";
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-doctor-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Dictionary<string, string?> Environment(params (string Key, string? Value)[] extra)
    {
        var environment = moto.Environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["AWS_SECRET_ACCESS_KEY"] = Secret;
        // Nothing from this machine's ~/.aws may answer instead of what the test sets.
        var empty = Path.Combine(_directory, "empty-aws-file");
        File.WriteAllText(empty, "");
        environment["AWS_SHARED_CREDENTIALS_FILE"] = empty;
        environment["AWS_CONFIG_FILE"] = empty;
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    /// <summary>knn doctor --target sagemaker ARGS; whatever it prints, the secret key is never in it.</summary>
    private async Task<KnnRun> Doctor(Dictionary<string, string?> environment, params string[] args)
    {
        var run = await KnnProcess.RunAsync(_directory, environment, ["doctor", "--target", "sagemaker", .. args]);
        Assert.DoesNotContain(Secret, run.Output);
        Assert.DoesNotContain(Secret, run.Error);
        Assert.DoesNotContain("   at ", run.Output + run.Error);
        return run;
    }

    /// <summary>One check's line as printed: mark, name padded to the longest (sagemaker: "credentials"), detail, and the fix unless it passed.</summary>
    private static string Line(string mark, string name, string detail, string? fix = null, int width = 11) =>
        $"{mark} {name.PadRight(width)}  {detail}{(fix is null ? "" : $". fix: {fix}")}";

    private static string[] Lines(KnnRun run) => run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A role in moto's IAM that SageMaker may assume: moto routes an unsigned query call by the service in its credential scope.</summary>
    private async Task<string> CreateRoleAsync()
    {
        var name = $"KnnDoctor-{_run}";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, moto.Url)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Action"] = "CreateRole",
                ["Version"] = "2010-05-08",
                ["RoleName"] = name,
                ["AssumeRolePolicyDocument"] = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}""",
            }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={MotoServer.AccessKeyId}/20261202/{MotoServer.Region}/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return $"arn:aws:iam::{MotoServer.AccountId}:role/{name}";
    }

    private async Task<string> CreateBucketAsync()
    {
        var bucket = $"knn-doctor-{_run}";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(moto.Url, bucket));
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={MotoServer.AccessKeyId}/20261202/{MotoServer.Region}/s3/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return bucket;
    }

    [Fact]
    public async Task All_checks_pass_with_environment_credentials_a_region_a_writable_bucket_and_a_role_SageMaker_trusts()
    {
        var role = await CreateRoleAsync();
        var bucket = await CreateBucketAsync();

        var run = await Doctor(Environment(), "--role", role, "--bucket", bucket);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Equal(
        [
            Line("PASS", "credentials", "from environment (AWS_ACCESS_KEY_ID)"),
            Line("PASS", "region", "us-east-1"),
            Line("PASS", "identity", $"account {MotoServer.AccountId} as arn:aws:sts::{MotoServer.AccountId}:user/moto"),
            Line("PASS", "bucket", $"s3://{bucket} exists and knn/ is writable"),
            Line("PASS", "role", $"{role} exists and trusts sagemaker.amazonaws.com"),
            Line("PASS", "sagemaker", "SageMaker answers in us-east-1 (ListTrainingJobs)"),
            Line("PASS", "image", "382416733822.dkr.ecr.us-east-1.amazonaws.com/knn:1"),
            Line("PASS", "endpoints", "no endpoint made by knn is running"),
        ], Lines(run));
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task No_credentials_is_a_FAIL_line_with_the_fix_exit_3_and_the_calls_that_need_them_are_skipped()
    {
        var run = await Doctor(
            Environment(("AWS_ACCESS_KEY_ID", null), ("AWS_SECRET_ACCESS_KEY", null), ("AWS_SESSION_TOKEN", null)),
            "--role", MotoServer.RoleArn, "--json");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("error: 1 of 8 checks failed (credentials); each says how to fix it above.", run.Error.Trim());
        // --json for CI: target, passed, and one object per check with name, status, detail and (unless passed) fix.
        var root = JsonDocument.Parse(run.Output).RootElement;
        Assert.Equal("sagemaker", root.GetProperty("target").GetString());
        Assert.False(root.GetProperty("passed").GetBoolean());
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(["credentials", "region", "identity", "bucket", "role", "sagemaker", "image", "endpoints"], checks.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["fail", "pass", "skip", "skip", "skip", "skip", "pass", "skip"], checks.Select(c => c.GetProperty("status").GetString()));
        Assert.Equal("No AWS credentials found", checks[0].GetProperty("detail").GetString());
        Assert.Equal("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE / --profile (run 'aws sso login' for SSO profiles)", checks[0].GetProperty("fix").GetString());
        Assert.Equal("not checked: needs credentials", checks[2].GetProperty("detail").GetString());
    }

    [Fact]
    public async Task No_region_is_a_FAIL_line_with_the_fix_and_exit_3()
    {
        var run = await Doctor(Environment(("AWS_REGION", null), ("AWS_DEFAULT_REGION", null)), "--role", MotoServer.RoleArn);

        Assert.Equal(3, run.ExitCode);
        var lines = Lines(run);
        Assert.Equal(Line("PASS", "credentials", "from environment (AWS_ACCESS_KEY_ID)"), lines[0]);
        Assert.Equal(Line("FAIL", "region", "no AWS region is set", "pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or set region in your AWS profile"), lines[1]);
        Assert.All(lines[2..], l => Assert.StartsWith("SKIP ", l));
        Assert.Equal("error: 1 of 8 checks failed (region); each says how to fix it above.", run.Error.Trim());
    }

    [Fact]
    public async Task A_missing_bucket_and_a_malformed_role_are_each_a_FAIL_line_with_its_fix_and_exit_3()
    {
        // A malformed role is not refused up front (exit 2): doctor is where it is diagnosed, beside the other checks.
        var bucket = $"knn-doctor-missing-{_run}";
        var run = await Doctor(Environment(), "--role", "notanarn", "--bucket", bucket);

        Assert.Equal(3, run.ExitCode);
        var lines = Lines(run);
        Assert.Contains(Line("FAIL", "bucket", $"s3://{bucket} does not exist",
            $"create it (aws s3 mb s3://{bucket} --region us-east-1), or drop --bucket / KNN_BUCKET to use sagemaker-us-east-1-<account>, which knn upload creates"), lines);
        Assert.Contains(Line("FAIL", "role", "'notanarn' is not an IAM role ARN",
            "expected arn:aws:iam::<12-digit account>:role/<name>, 20 to 2048 characters, e.g. arn:aws:iam::123456789012:role/SageMakerExecution"), lines);
        Assert.Contains(Line("PASS", "sagemaker", "SageMaker answers in us-east-1 (ListTrainingJobs)"), lines);
        Assert.Equal("error: 2 of 8 checks failed (bucket, role); each says how to fix it above.", run.Error.Trim());
    }

    [Fact]
    public async Task An_unreachable_service_is_one_FAIL_line_per_check_with_the_network_fix_exit_3_and_no_trace()
    {
        var role = await CreateRoleAsync();
        // One attempt per call: retries against a closed port only make the test slow.
        var run = await Doctor(Environment(("AWS_ENDPOINT_URL", "http://127.0.0.1:1"), ("AWS_MAX_ATTEMPTS", "1")), "--role", role, "--bucket", "knn-doctor-unreachable");

        Assert.Equal(3, run.ExitCode);
        const string fix = "check --region, AWS_ENDPOINT_URL and the network";
        Assert.Equal(
        [
            Line("PASS", "credentials", "from environment (AWS_ACCESS_KEY_ID)"),
            Line("PASS", "region", "us-east-1"),
            Line("FAIL", "identity", "STS GetCallerIdentity: the service could not be reached", fix),
            Line("FAIL", "bucket", "S3 HeadBucket s3://knn-doctor-unreachable: the service could not be reached", fix),
            Line("FAIL", "role", "IAM GetRole: the service could not be reached", fix),
            Line("FAIL", "sagemaker", "SageMaker ListTrainingJobs: the service could not be reached", fix),
            Line("PASS", "image", "382416733822.dkr.ecr.us-east-1.amazonaws.com/knn:1"),
            Line("SKIP", "endpoints", "not checked: SageMaker did not answer"),
        ], Lines(run));
        Assert.Equal("error: 4 of 8 checks failed (identity, bucket, role, sagemaker); each says how to fix it above.", run.Error.Trim());
    }

    [Fact]
    public async Task An_endpoint_knn_made_that_is_still_running_is_a_WARN_with_its_cleanup_command_and_exit_0()
    {
        var role = await CreateRoleAsync();
        var endpoint = $"knn-doctor-{_run}";
        var environment = Environment(("KNN_TARGET", "sagemaker"), ("KNN_ROLE", role), ("KNN_BUCKET", $"knn-doctor-ep-{_run}"));
        async Task<KnnRun> Knn(params string[] args)
        {
            var run = await KnnProcess.RunAsync(_directory, environment, args);
            Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
            return run;
        }
        await Knn("prepare");
        await Knn("upload");
        await Knn("train", "--job-name", endpoint, "--yes");
        await Knn("deploy", "--endpoint-name", endpoint, "--yes");
        try
        {
            var run = await Doctor(environment);

            // A running endpoint costs money but is not broken: a warning, and doctor still passes.
            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            var line = Assert.Single(Lines(run), l => l.StartsWith("WARN endpoints", StringComparison.Ordinal));
            Assert.Contains($"{endpoint} (InService)", line);
            Assert.Contains(". fix: delete what you no longer need: ", line);
            Assert.Contains($"knn cleanup --target sagemaker --endpoint-name {endpoint}", line);
        }
        finally
        {
            // Other tests share this moto server and expect no endpoint left running.
            await Knn("cleanup", "--delete-data", "--yes");
        }
    }

    [Fact]
    public async Task Doctor_on_the_local_target_passes_in_an_empty_folder_and_leaves_it_empty()
    {
        var run = await KnnProcess.RunAsync(_directory, "doctor");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var lines = Lines(run);
        Assert.Equal(Line("PASS", "folder", $"{_directory} is writable", width: "endpoints".Length), lines[0]);
        // Port 8080 may be taken on this machine: a warning then, which does not fail doctor.
        Assert.Matches("^(PASS|WARN) port ", lines[1]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("PASS endpoints", lines[2]);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
    }
}
