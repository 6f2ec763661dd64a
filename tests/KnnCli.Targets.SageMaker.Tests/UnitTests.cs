using System.Net;
using System.Net.Http.Headers;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Targets.SageMaker.Aws;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.Tests;

public sealed class AwsContextTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Key, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void Region_comes_from_the_option_then_AWS_REGION_then_AWS_DEFAULT_REGION()
    {
        var env = Env(("AWS_REGION", "eu-west-1"), ("AWS_DEFAULT_REGION", "ap-south-1"));
        Assert.Equal("us-west-2", AwsContext.Resolve(new CommonSettings { Region = "us-west-2" }, env).Region.SystemName);
        Assert.Equal("eu-west-1", AwsContext.Resolve(new CommonSettings(), env).Region.SystemName);
        Assert.Equal("ap-south-1", AwsContext.Resolve(new CommonSettings(), Env(("AWS_DEFAULT_REGION", "ap-south-1"))).Region.SystemName);
    }

    [Fact]
    public void Region_and_credentials_come_from_a_named_profile_in_the_shared_files()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "[knn-test]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\nregion = eu-central-1\n");
        try
        {
            var aws = AwsContext.Resolve(new CommonSettings { Profile = "knn-test" }, Env(("AWS_SHARED_CREDENTIALS_FILE", file), ("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "x")));
            Assert.Equal("eu-central-1", aws.Region.SystemName);
            Assert.Equal("AKIDPROFILE", aws.Credentials.GetCredentials().AccessKey);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_missing_region_is_a_configuration_error_with_exit_code_3()
    {
        var e = Assert.Throws<AwsConfigurationException>(() => AwsContext.Resolve(new CommonSettings { Profile = "absent" }, Env(("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"))));
        Assert.Equal(ExitCodes.AwsConfiguration, e.ExitCode);
        Assert.Contains("--region", e.Message);
    }

    [Fact]
    public void A_missing_profile_is_a_configuration_error_raised_when_credentials_are_first_needed()
    {
        var aws = AwsContext.Resolve(new CommonSettings { Region = "us-east-1", Profile = "absent" }, Env(("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")));
        var e = Assert.Throws<AwsConfigurationException>(() => aws.Credentials);
        Assert.Contains("'absent'", e.Message);
    }

    [Fact]
    public void Environment_keys_with_a_session_token_give_session_credentials()
    {
        var aws = AwsContext.Resolve(new CommonSettings { Region = "us-east-1" }, Env(("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_SESSION_TOKEN", "TOKEN")));
        var credentials = aws.Credentials.GetCredentials();
        Assert.Equal(("AKID", "secret", "TOKEN"), (credentials.AccessKey, credentials.SecretKey, credentials.Token));
    }

    [Fact]
    public void Endpoints_follow_the_partition_and_the_per_service_override_wins_over_the_global_one()
    {
        var plain = AwsContext.Resolve(new CommonSettings { Region = "cn-north-1" }, Env());
        Assert.Equal("https://api.sagemaker.cn-north-1.amazonaws.com.cn/", plain.Endpoint(AwsService.SageMaker).ToString());
        Assert.Equal("https://runtime.sagemaker.cn-north-1.amazonaws.com.cn/", plain.Endpoint(AwsService.SageMakerRuntime).ToString());
        Assert.Null(plain.EndpointOverride(AwsService.S3));

        var overridden = AwsContext.Resolve(new CommonSettings { Region = "us-east-1" },
            Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", "http://127.0.0.1:6000"), ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:7000")));
        Assert.Equal("http://127.0.0.1:5000/", overridden.Endpoint(AwsService.SageMaker).ToString());
        Assert.Equal("http://127.0.0.1:6000/", overridden.Endpoint(AwsService.SageMakerRuntime).ToString());
        Assert.Equal("http://127.0.0.1:7000/", overridden.Endpoint(AwsService.CloudWatchLogs).ToString());
        Assert.Equal("http://127.0.0.1:5000/", overridden.EndpointOverride(AwsService.S3)!.ToString());

        var ignored = AwsContext.Resolve(new CommonSettings { Region = "us-east-1" }, Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")));
        Assert.Equal("https://logs.us-east-1.amazonaws.com/", ignored.Endpoint(AwsService.CloudWatchLogs).ToString());
    }

    [Fact]
    public void An_endpoint_override_that_is_not_an_http_url_is_a_configuration_error()
    {
        var aws = AwsContext.Resolve(new CommonSettings { Region = "us-east-1" }, Env(("AWS_ENDPOINT_URL_S3", "localhost:9000")));
        Assert.Equal(ExitCodes.AwsConfiguration, Assert.Throws<AwsConfigurationException>(() => aws.EndpointOverride(AwsService.S3)).ExitCode);
    }

    [Fact]
    public void An_overridden_S3_endpoint_uses_path_style_and_checksums_only_where_required()
    {
        var aws = AwsContext.Resolve(new CommonSettings { Region = "eu-west-1" }, Env(("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000")));
        var config = S3ObjectStore.CreateConfig(aws);
        Assert.True(config.ForcePathStyle);
        Assert.Equal("eu-west-1", config.AuthenticationRegion);
        Assert.Equal(Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED, config.RequestChecksumCalculation);
        Assert.False(S3ObjectStore.CreateConfig(AwsContext.Resolve(new CommonSettings { Region = "eu-west-1" }, Env())).ForcePathStyle);
    }
}

public sealed class AwsErrorTests
{
    private static AwsError Parse(int status, string body, string? errorTypeHeader = null)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        if (errorTypeHeader is not null) response.Headers.TryAddWithoutValidation("X-Amzn-ErrorType", errorTypeHeader);
        return AwsError.Parse(status, response.Headers, body);
    }

    [Fact]
    public void Json_1_1_codes_are_cut_at_the_hash_and_the_colon()
    {
        var error = Parse(400, """{"__type":"com.amazonaws.sagemaker#ValidationException:http://x","message":"Could not find endpoint \"e\"."}""");
        Assert.Equal(("ValidationException", "Could not find endpoint \"e\"."), (error.Code, error.Message));
    }

    [Fact]
    public void Rest_json_prefers_the_error_type_header_and_keeps_the_model_message()
    {
        var error = Parse(424, """{"Message":"Received client error (400) from primary","OriginalStatusCode":400,"OriginalMessage":"unable to evaluate payload"}""", "ModelError:http://internal");
        Assert.Equal("ModelError", error.Code);
        var exception = error.ToException(AwsService.SageMakerRuntime, "InvokeEndpoint", 424, "req-1");
        Assert.Equal("SageMaker Runtime InvokeEndpoint: ModelError: Received client error (400) from primary (the model answered 400: unable to evaluate payload)", exception.Message);
        Assert.Equal(ExitCodes.RemoteFailure, exception.ExitCode);
    }

    [Fact]
    public void A_body_that_is_not_json_becomes_the_message_and_the_status_the_code()
    {
        var error = Parse(502, "<html>Bad Gateway</html>");
        Assert.Equal(("502", "<html>Bad Gateway</html>"), (error.Code, error.Message));
    }

    [Theory]
    [InlineData("DescribeModel", "ValidationException", ExitCodes.NotFound)]
    [InlineData("DeleteEndpoint", "ValidationError", ExitCodes.NotFound)]
    [InlineData("ListTags", "ValidationException", ExitCodes.NotFound)]
    [InlineData("GetObject", "ResourceNotFound", ExitCodes.NotFound)]
    [InlineData("GetLogEvents", "ResourceNotFoundException", ExitCodes.NotFound)]
    [InlineData("CreateTrainingJob", "AccessDeniedException", ExitCodes.AwsConfiguration)]
    [InlineData("ListEndpoints", "UnrecognizedClientException", ExitCodes.AwsConfiguration)]
    [InlineData("DescribeTrainingJob", "ExpiredTokenException", ExitCodes.AwsConfiguration)]
    [InlineData("CreateEndpointConfig", "ValidationException", ExitCodes.UsageOrInput)]
    [InlineData("CreateTrainingJob", "ResourceInUse", ExitCodes.UsageOrInput)]
    [InlineData("CreateEndpoint", "ResourceLimitExceeded", ExitCodes.RemoteFailure)]
    [InlineData("InvokeEndpoint", "ModelError", ExitCodes.RemoteFailure)]
    public void Service_errors_map_to_the_design_exit_codes_by_code_and_operation(string operation, string code, int exitCode) =>
        Assert.Equal(exitCode, AwsServiceException.ExitCodeFor(operation, code));

    [Fact]
    public void The_exit_code_does_not_depend_on_the_message_text()
    {
        var service = KnnCli.Targets.SageMaker.Aws.AwsService.SageMaker;
        Assert.Equal(ExitCodes.UsageOrInput, new AwsServiceException(service, "CreateModel", 400, "ValidationException", "Could not find image: not found", null).ExitCode);
        Assert.Equal(ExitCodes.NotFound, new AwsServiceException(service, "DescribeEndpoint", 400, "ValidationException", "anything", null).ExitCode);
    }
}

public sealed class KnnImageUriTests
{
    [Theory]
    [InlineData("us-east-1", "382416733822.dkr.ecr.us-east-1.amazonaws.com/knn:1")]
    [InlineData("eu-west-1", "438346466558.dkr.ecr.eu-west-1.amazonaws.com/knn:1")]
    [InlineData("cn-north-1", "390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/knn:1")]
    [InlineData("us-iso-east-1", "490574956308.dkr.ecr.us-iso-east-1.c2s.ic.gov/knn:1")]
    [InlineData("us-isob-east-1", "765400339828.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/knn:1")]
    [InlineData("us-isof-south-1", "124985052026.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/knn:1")]
    [InlineData("us-gov-west-1", "226302683700.dkr.ecr.us-gov-west-1.amazonaws.com/knn:1")]
    public void The_image_follows_the_region_table_and_its_partition_domain(string region, string expected) =>
        Assert.Equal(expected, KnnImageUris.For(region));

    [Fact]
    public void Every_region_of_the_reference_table_is_known() => Assert.Equal(37, KnnImageUris.Accounts.Count);

    [Fact]
    public void A_region_without_the_algorithm_is_a_configuration_error() =>
        Assert.Equal(ExitCodes.AwsConfiguration, Assert.Throws<AwsConfigurationException>(() => KnnImageUris.For("mx-central-1")).ExitCode);
}

public sealed class TrainingMetricsTests
{
    [Theory]
    [InlineData("[07/09/2018 17:51:39 INFO 139784352773952] #test_score (algo-1) : ('accuracy', 0.92213693160304289)", "test:accuracy", 0.92213693160304289)]
    [InlineData("#quality_metric: host=algo-1, test accuracy <score>=0.9736842105263158", "test:accuracy", 0.9736842105263158)]
    [InlineData("#quality_metric: host=algo-2, test mse <loss>=0.013333333333333334", "test:mse", 0.013333333333333334)]
    [InlineData("[06/08/2018 20:15:33 INFO 140026520049408] #test_score (algo-1) : ('mse', 0.013333333333333334)", "test:mse", 0.013333333333333334)]
    public void Score_lines_become_SageMaker_metric_names(string line, string name, double value) =>
        Assert.Equal((name, value), TrainingMetrics.Parse(line));

    [Fact]
    public void A_nan_score_is_kept_as_nan() =>
        Assert.True(double.IsNaN(TrainingMetrics.Parse("#quality_metric: host=algo-1, test macro_f_1.000 <score>=nan")!.Value.Value));

    [Theory]
    [InlineData("#progress_metric: host=algo-1, completed 100 % of epochs")]
    [InlineData("#throughput_metric: host=algo-1, train throughput=1234.5 records/second")]
    public void Other_lines_report_nothing(string line) => Assert.Null(TrainingMetrics.Parse(line));
}
