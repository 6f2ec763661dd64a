using System.Net;
using System.Text;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.Http;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>Faults injected under the signer, the real moto server behind them: the standard retry mode and our ModelNotReady retry.</summary>
[Collection(MotoCollection.Name)]
public sealed class RetryTests(MotoServer moto)
{
    private FaultInjector? _faults;

    private Task<ITarget> TargetWithFaultsAsync(Func<HttpRequestMessage, int, HttpResponseMessage?> fault, IReadOnlyDictionary<string, string?>? environment = null)
    {
        _faults = new FaultInjector(fault);
        return Task.FromResult(SageMakerTarget.Create(MotoServer.Settings(), new RecordingLog(), moto.Options(_faults.Transport, environment)));
    }

    private static bool Is(HttpRequestMessage request, string operation) => FaultHandler.Operation(request) == operation;

    [Fact]
    public async Task Throttling_is_retried_until_the_real_answer_comes()
    {
        await using var target = await TargetWithFaultsAsync((request, attempt) => Is(request, "SageMaker.ListEndpoints") && attempt <= 2
            ? FaultHandler.Error(HttpStatusCode.BadRequest, "ThrottlingException", "Rate exceeded")
            : null);
        Assert.NotNull(await target.Hosting.ListLiveAsync(CancellationToken.None));
        Assert.Equal(3, _faults!.Attempts("SageMaker.ListEndpoints"));
    }

    [Fact]
    public async Task A_reset_connection_is_retried()
    {
        await using var target = await TargetWithFaultsAsync((request, attempt) => Is(request, "SageMaker.DescribeEndpoint") && attempt == 1
            ? FaultHandler.ConnectionReset()
            : null);
        Assert.Null(await target.Hosting.DescribeEndpointAsync("knn-retry-absent", CancellationToken.None));
        Assert.Equal(2, _faults!.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Fact]
    public async Task Server_errors_give_up_after_three_attempts_with_the_service_code_and_message()
    {
        await using var target = await TargetWithFaultsAsync((request, _) => Is(request, "SageMaker.DescribeEndpoint")
            ? FaultHandler.Error(HttpStatusCode.InternalServerError, "InternalFailure", "We encountered an internal error.")
            : null);
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));
        Assert.Equal("SageMaker DescribeEndpoint: InternalFailure: We encountered an internal error.", e.Message);
        Assert.Equal(ExitCodes.RemoteFailure, e.ExitCode);
        Assert.Equal(3, _faults!.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Fact]
    public async Task AWS_MAX_ATTEMPTS_changes_how_often_a_request_is_tried()
    {
        await using var target = await TargetWithFaultsAsync((request, _) => Is(request, "SageMaker.DescribeEndpoint")
            ? FaultHandler.Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "Please try again.")
            : null, new Dictionary<string, string?> { ["AWS_MAX_ATTEMPTS"] = "5" });
        await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));
        Assert.Equal(5, _faults!.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Fact]
    public async Task Connection_errors_that_persist_end_as_one_line_after_three_attempts()
    {
        await using var target = await TargetWithFaultsAsync((request, _) => Is(request, "SageMaker.DescribeEndpoint") ? FaultHandler.ConnectionReset() : null);
        var e = await Assert.ThrowsAsync<ServiceUnreachableException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));
        Assert.Contains("could not reach", e.Message);
        Assert.Equal(3, _faults!.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Fact]
    public async Task Validation_and_credential_errors_are_not_retried()
    {
        await using var target = await TargetWithFaultsAsync((request, _) => Is(request, "SageMaker.ListEndpoints")
            ? FaultHandler.Error(HttpStatusCode.BadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
            : null);
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.ListLiveAsync(CancellationToken.None));
        Assert.Equal(ExitCodes.AwsConfiguration, e.ExitCode);
        Assert.Equal(1, _faults!.Attempts("SageMaker.ListEndpoints"));
    }

    [Fact]
    public async Task ModelNotReady_is_ridden_out_by_our_own_retry()
    {
        const string path = "/endpoints/knn-cold/invocations";
        await using var target = await TargetWithFaultsAsync((request, attempt) => Is(request, path) && attempt <= 3
            ? new HttpResponseMessage((HttpStatusCode)429)
            {
                Content = new StringContent("""{"message":"Model is not ready yet"}""", Encoding.UTF8, "application/json"),
                Headers = { { "X-Amzn-ErrorType", "ModelNotReadyException:http://internal.amazon.com/coral/com.amazon.sagemaker.runtime/" } },
            }
            : null);
        await moto.SeedEndpointResultsAsync(("""{"predictions":[{"predicted_label":2.0}]}""", "application/json"));

        var answer = await target.Runtime.InvokeAsync("knn-cold", "6.3,2.8,5.1,1.5"u8.ToArray(), "text/csv", "application/json", CancellationToken.None);

        Assert.Equal("""{"predictions":[{"predicted_label":2.0}]}""", Encoding.UTF8.GetString(answer.Body));
        Assert.Equal(4, _faults!.Attempts(path));
    }

    [Fact]
    public async Task A_model_error_is_not_retried_and_shows_the_containers_message()
    {
        const string path = "/endpoints/knn-broken/invocations";
        await using var target = await TargetWithFaultsAsync((request, _) => Is(request, path)
            ? new HttpResponseMessage((HttpStatusCode)424)
            {
                Content = new StringContent("""{"ErrorCode":"CLIENT_ERROR_FROM_MODEL","LogStreamArn":"arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/knn-broken","Message":"Received client error (400) from primary with message \"unable to evaluate payload provided\".","OriginalMessage":"unable to evaluate payload provided","OriginalStatusCode":400}""", Encoding.UTF8, "application/json"),
                Headers = { { "X-Amzn-ErrorType", "ModelError:http://internal.amazon.com/coral/com.amazon.sagemaker.runtime/" } },
            }
            : null);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => target.Runtime.InvokeAsync("knn-broken", "1,2"u8.ToArray(), "text/csv", "application/json", CancellationToken.None));

        Assert.Equal("ModelError", e.ErrorCode);
        Assert.Contains("unable to evaluate payload provided", e.Message);
        Assert.Equal(ExitCodes.RemoteFailure, e.ExitCode);
        Assert.Equal(1, _faults!.Attempts(path));
    }
}
