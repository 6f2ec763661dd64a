using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using KnnCli.Targets.SageMaker.Aws;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>Our signing handler checked against known SigV4 vectors and against botocore's own signer.</summary>
public sealed class SigningTests
{
    private static readonly DateTime VectorTime = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);
    private const string VectorSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private sealed class Capture : HttpMessageHandler
    {
        public HttpRequestMessage? Request { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    private static async Task<HttpRequestMessage> SignAsync(AWSCredentials credentials, HttpRequestMessage request, DateTime signedAt, int times = 1)
    {
        var capture = new Capture();
        using var handler = new SigningHandler(() => credentials, RegionEndpoint.USEast1, AwsService.SageMaker, capture) { SignedAt = signedAt };
        using var invoker = new HttpMessageInvoker(handler);
        for (var i = 0; i < times; i++) (await invoker.SendAsync(request, CancellationToken.None)).Dispose();
        return capture.Request!;
    }

    private static string Header(HttpRequestMessage request, string name) => string.Join(",", request.Headers.GetValues(name));

    [Fact]
    public async Task A_control_plane_request_matches_the_known_vector()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.sagemaker.us-east-1.amazonaws.com/")
        {
            Content = new ByteArrayContent("""{"TrainingJobName":"my-job"}"""u8.ToArray()),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "SageMaker.DescribeTrainingJob");

        var signed = await SignAsync(new BasicAWSCredentials("AKIDEXAMPLE", VectorSecret), request, VectorTime);

        var authorization = Header(signed, "Authorization");
        Assert.Contains("Credential=AKIDEXAMPLE/20150830/us-east-1/sagemaker/aws4_request", authorization);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target", authorization);
        Assert.EndsWith("Signature=0f357d72f60f47f581fc27d0c8dda35f07ad307ee201c1f8d3c7d6a700ad21a7", authorization);
        Assert.Equal("c8d9c4c3befb44dc64908bc9bb61f9d2063e5a27906eaa5d3f6bf14050cbddbd", Header(signed, "X-Amz-Content-SHA256"));
    }

    [Fact]
    public async Task A_runtime_request_with_a_session_token_matches_the_known_vector_and_a_retry_is_signed_once_again()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/my-ep/invocations")
        {
            Content = new ByteArrayContent("1,2,3"u8.ToArray()),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "text/csv");

        var signed = await SignAsync(new SessionAWSCredentials("AKIDEXAMPLE", VectorSecret, "TOKEN123"), request, VectorTime, times: 2);

        Assert.EndsWith("Signature=f8d7d2403cd375e696ff9e21fd20f6751b14c46df129aba89fbe9eba3a6dfe53", Header(signed, "Authorization"));
        Assert.Single(signed.Headers.GetValues("Authorization"));
        Assert.Equal("TOKEN123", Header(signed, "X-Amz-Security-Token"));
    }

    [Fact]
    public async Task Signatures_agree_with_botocore_for_a_request_with_accept_custom_attributes_and_a_token()
    {
        var signedAt = new DateTime(2026, 11, 27, 23, 45, 7, DateTimeKind.Utc);
        const string body = """{"instances":[{"features":[5.1,3.5,1.4,0.2]}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/knn-endpoint-1/invocations")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json; verbose=true");
        request.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-Custom-Attributes", "trace=abc");
        var signed = await SignAsync(new SessionAWSCredentials("AKIDBOTOCORE", "botocore/secret+key", "SESSION/TOKEN=="), request, signedAt);

        var headers = signed.Headers.Concat(signed.Content!.Headers)
            .Where(h => h.Key is not ("Authorization" or "X-Amz-Date" or "X-Amz-Security-Token" or "Content-Length"))
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value));
        var input = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["url"] = signed.RequestUri!.ToString(), ["body"] = body, ["headers"] = headers,
        });
        const string script = """
            import json, sys, datetime
            import botocore.auth as auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            auth.get_current_datetime = lambda *a, **k: datetime.datetime(2026, 11, 27, 23, 45, 7)
            spec = json.load(sys.stdin)
            request = AWSRequest(method="POST", url=spec["url"], data=spec["body"].encode(), headers=spec["headers"])
            auth.SigV4Auth(Credentials("AKIDBOTOCORE", "botocore/secret+key", "SESSION/TOKEN=="), "sagemaker", "us-east-1").add_auth(request)
            print(request.headers["Authorization"])
            """;
        var botocore = await RunPythonAsync(script, input);

        Assert.Equal(botocore, Header(signed, "Authorization"));
    }

    private sealed class ExpiredSsoCredentials : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() =>
            throw new AmazonClientException("The SSO session associated with this profile has expired or is otherwise invalid.");
    }

    [Fact]
    public async Task Credentials_that_cannot_be_resolved_at_signing_time_are_a_configuration_error()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.sagemaker.us-east-1.amazonaws.com/") { Content = new ByteArrayContent("{}"u8.ToArray()) };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "SageMaker.ListEndpoints");
        var e = await Assert.ThrowsAsync<KnnCli.Core.Errors.AwsConfigurationException>(() => SignAsync(new ExpiredSsoCredentials(), request, VectorTime));
        Assert.Equal("SageMaker ListEndpoints: could not get AWS credentials: The SSO session associated with this profile has expired or is otherwise invalid.", e.Message);
    }

    private static async Task<string> RunPythonAsync(string script, string stdin)
    {
        var info = new ProcessStartInfo("python3", ["-c", script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        return output.Trim();
    }
}
