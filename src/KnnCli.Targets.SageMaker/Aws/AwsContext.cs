using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.Aws;

/// <summary>
/// Region, credentials and endpoints resolved the way the AWS CLI does it: --region, AWS_REGION, AWS_DEFAULT_REGION, then
/// the profile's region; --profile or AWS_PROFILE, environment keys, then AWSSDK.Core's default chain (web identity,
/// shared profiles incl. SSO and assume-role, container, IMDS); AWS_ENDPOINT_URL_&lt;SERVICE&gt; before AWS_ENDPOINT_URL.
/// </summary>
public sealed class AwsContext
{
    private readonly Func<string, string?> _environment;
    private readonly string? _profile;
    private readonly Lazy<AWSCredentials> _credentials;

    private AwsContext(RegionEndpoint region, string? profile, Func<string, string?> environment)
    {
        Region = region;
        _profile = profile;
        _environment = environment;
        _credentials = new Lazy<AWSCredentials>(ResolveCredentials);
    }

    public RegionEndpoint Region { get; }

    /// <summary>Resolved on first use, so a dry run that sends nothing needs no credentials.</summary>
    public AWSCredentials Credentials => _credentials.Value;

    public const string NoCredentials = "No AWS credentials found";

    /// <summary>What to do when no credentials are found.</summary>
    public const string CredentialsAdvice = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE / --profile (run 'aws sso login' for SSO profiles)";

    /// <summary>What to do when no region is found.</summary>
    public const string RegionAdvice = "pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or set region in your AWS profile";

    /// <summary>Resolves the region now (credentials later); a missing region fails with exit code 3.</summary>
    public static AwsContext Resolve(CommonSettings settings, Func<string, string?> environment) =>
        ForRegion(RegionName(settings, environment) ?? throw new AwsConfigurationException($"No AWS region: {RegionAdvice}."), settings, environment);

    /// <summary>The region: the settings' (--region, KNN_REGION, AWS_REGION …), else the profile's; null when none is set.</summary>
    public static string? RegionName(CommonSettings settings, Func<string, string?> environment) =>
        NonEmpty(settings.Region)
            ?? NonEmpty(environment("AWS_REGION"))
            ?? NonEmpty(environment("AWS_DEFAULT_REGION"))
            ?? ProfileRegion(Profile(settings, environment) ?? "default", environment);

    /// <summary>A context for a given region (knn doctor checks credentials even when no region is set).</summary>
    public static AwsContext ForRegion(string regionName, CommonSettings settings, Func<string, string?> environment) =>
        new(RegionEndpoint.GetBySystemName(regionName), Profile(settings, environment), environment);

    private static string? Profile(CommonSettings settings, Func<string, string?> environment) =>
        NonEmpty(settings.Profile) ?? NonEmpty(environment("AWS_PROFILE"));

    /// <summary>
    /// Where the credentials came from (environment, profile NAME, SSO profile NAME, web identity, container, instance),
    /// as the credential chain found them; null until <see cref="Credentials"/> resolved them.
    /// </summary>
    public string? CredentialSource { get; private set; }

    /// <summary>The endpoint override for a service (AWS_ENDPOINT_URL_&lt;SERVICE&gt;, then AWS_ENDPOINT_URL), or null.</summary>
    public Uri? EndpointOverride(AwsService service)
    {
        if (string.Equals(_environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
            return null;
        var value = NonEmpty(_environment("AWS_ENDPOINT_URL_" + service.EndpointEnvironmentSuffix)) ?? NonEmpty(_environment("AWS_ENDPOINT_URL"));
        if (value is null) return null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new AwsConfigurationException($"The endpoint URL '{value}' for {service.DisplayName} is not an http(s) URL.");
        return uri;
    }

    /// <summary>Where a service answers: the override, else https://&lt;prefix&gt;.&lt;region&gt;.&lt;partition domain&gt;/.</summary>
    public Uri Endpoint(AwsService service) =>
        EndpointOverride(service) ?? new Uri($"https://{service.EndpointPrefix}.{Region.SystemName}.{Region.PartitionDnsSuffix}/");

    /// <summary>The retry settings: AWS_RETRY_MODE and AWS_MAX_ATTEMPTS, else the profile's retry_mode and max_attempts.</summary>
    public RetryOptions Retry(RetryOptions defaults)
    {
        var found = ProfileStore(_environment).TryGetProfile(_profile ?? "default", out var profile) ? profile : null;
        RetryMode? profileMode = found?.RetryMode switch
        {
            RequestRetryMode.Standard => RetryMode.Standard,
            RequestRetryMode.Adaptive => RetryMode.Adaptive,
            _ => null,
        };
        return defaults.Configure(_environment("AWS_RETRY_MODE"), _environment("AWS_MAX_ATTEMPTS"), profileMode, found?.MaxAttempts);
    }

    private AWSCredentials ResolveCredentials()
    {
        try
        {
            if (_profile is not null)
            {
                var fromProfile = ProfileCredentials(_profile);
                CredentialSource = $"{KindOf(fromProfile) ?? "profile"} {_profile}";
                return fromProfile;
            }
            if (NonEmpty(_environment("AWS_ACCESS_KEY_ID")) is { } accessKey && NonEmpty(_environment("AWS_SECRET_ACCESS_KEY")) is { } secretKey)
            {
                CredentialSource = "environment (AWS_ACCESS_KEY_ID)";
                return NonEmpty(_environment("AWS_SESSION_TOKEN")) is { } token
                    ? new SessionAWSCredentials(accessKey, secretKey, token)
                    : new BasicAWSCredentials(accessKey, secretKey);
            }
            var found = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
            CredentialSource = KindOf(found) ?? "profile default";
            return found;
        }
        catch (AmazonClientException e)
        {
            throw new AwsConfigurationException($"{NoCredentials}: {CredentialsAdvice}.", e);
        }
    }

    /// <summary>The kind of a credential source the chain returned; null for keys read from a shared profile.</summary>
    private static string? KindOf(AWSCredentials credentials) => credentials switch
    {
        SSOAWSCredentials => "SSO profile",
        AssumeRoleAWSCredentials => "assume-role profile",
        AssumeRoleWithWebIdentityCredentials => "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)",
        EnvironmentVariablesAWSCredentials => "environment (AWS_ACCESS_KEY_ID)",
        GenericContainerCredentials => "container (AWS_CONTAINER_CREDENTIALS_*)",
        InstanceProfileAWSCredentials => "instance profile (IMDS)",
        // The chain's own IMDS source is internal to AWSSDK.Core.
        _ when credentials.GetType().Name.Contains("InstanceProfile", StringComparison.Ordinal) => "instance profile (IMDS)",
        _ => null,
    };

    private AWSCredentials ProfileCredentials(string profile)
    {
        var store = ProfileStore(_environment);
        if (!store.TryGetProfile(profile, out _))
            throw new AwsConfigurationException($"The AWS profile '{profile}' was not found in the shared config or credentials file.");
        if (!store.TryGetAWSCredentials(profile, out var credentials))
            throw new AwsConfigurationException($"The AWS profile '{profile}' has no usable credentials.");
        return credentials;
    }

    private static string? ProfileRegion(string profile, Func<string, string?> environment) =>
        ProfileStore(environment).TryGetProfile(profile, out var found) ? found.Region?.SystemName : null;

    private static CredentialProfileStoreChain ProfileStore(Func<string, string?> environment) =>
        NonEmpty(environment("AWS_SHARED_CREDENTIALS_FILE")) is { } path ? new CredentialProfileStoreChain(path) : new CredentialProfileStoreChain();

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
