using System.Text.Json;
using System.Xml.Linq;
using KnnCli.Targets.SageMaker.Aws;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.Iam;

/// <summary>The one IAM call knn doctor makes, GetRole, over IAM's query protocol (form POST in, XML out).</summary>
internal sealed class IamClient(HttpClient http, Uri endpoint)
{
    public const string SageMakerPrincipal = "sagemaker.amazonaws.com";

    /// <summary>IAM's endpoint: the override, else the global iam.amazonaws.com (signed for us-east-1) or the partition's regional one.</summary>
    public static (Uri Endpoint, Amazon.RegionEndpoint SigningRegion) Locate(AwsContext aws)
    {
        if (aws.EndpointOverride(AwsService.Iam) is { } url) return (url, aws.Region);
        return aws.Region.PartitionName == "aws"
            ? (new Uri("https://iam.amazonaws.com/"), Amazon.RegionEndpoint.USEast1)
            : (new Uri($"https://iam.{aws.Region.SystemName}.{aws.Region.PartitionDnsSuffix}/"), aws.Region);
    }

    /// <summary>The role's trust policy (AssumeRolePolicyDocument, URL-decoded JSON).</summary>
    public async Task<string> GetTrustPolicyAsync(string roleName, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent([new("Action", "GetRole"), new("RoleName", roleName), new("Version", "2010-05-08")]),
        };
        using var response = await AwsResponses.SendAsync(http, request, AwsService.Iam, "GetRole", cancellationToken).ConfigureAwait(false);
        var document = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var policy = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "AssumeRolePolicyDocument")?.Value
            ?? throw new AwsServiceException(AwsService.Iam, "GetRole", (int)response.StatusCode, "InvalidResponse", "the answer has no AssumeRolePolicyDocument", AwsResponses.RequestId(response));
        return Uri.UnescapeDataString(policy);
    }

    /// <summary>True when a statement allows sagemaker.amazonaws.com (or anyone) sts:AssumeRole; conditions are not evaluated.</summary>
    public static bool TrustsSageMaker(string policy)
    {
        using var document = JsonDocument.Parse(policy);
        if (!document.RootElement.TryGetProperty("Statement", out var statements)) return false;
        return OneOrMany(statements).Any(statement =>
            statement.TryGetProperty("Effect", out var effect) && effect.GetString() == "Allow"
            && statement.TryGetProperty("Action", out var action) && Strings(action).Any(a => a is "sts:AssumeRole" or "sts:*" or "*")
            && statement.TryGetProperty("Principal", out var principal) && AllowsSageMaker(principal));
    }

    private static bool AllowsSageMaker(JsonElement principal) =>
        principal.ValueKind == JsonValueKind.String
            ? principal.GetString() == "*"
            : principal.ValueKind == JsonValueKind.Object && principal.TryGetProperty("Service", out var service) && Strings(service).Contains(SageMakerPrincipal);

    private static IEnumerable<JsonElement> OneOrMany(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : [element];

    private static IEnumerable<string?> Strings(JsonElement element) =>
        OneOrMany(element).Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString());
}
