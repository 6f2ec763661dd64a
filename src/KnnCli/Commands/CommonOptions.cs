using System.CommandLine;
using KnnCli.Core.Settings;

namespace KnnCli.Commands;

/// <summary>The options every verb takes (recursive, so they may come before or after the verb).</summary>
public static class CommonOptions
{
    public static readonly Option<string?> Target = new Option<string?>("--target") { Description = "Where the workflow runs: local (default) or sagemaker", Recursive = true }.Suggesting("local", "sagemaker");
    public static readonly Option<string?> Region = new("--region") { Description = "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile)", Recursive = true };
    public static readonly Option<string?> Profile = new("--profile") { Description = "AWS shared-config profile", Recursive = true };
    public static readonly Option<string?> Bucket = new("--bucket") { Description = "Bucket for data and models (default: the target's)", Recursive = true };
    public static readonly Option<string?> Prefix = new("--prefix") { Description = "Key prefix in the bucket (default: knn)", Recursive = true };
    public static readonly Option<string?> Role = new("--role") { Description = "IAM role ARN that SageMaker assumes", Recursive = true };
    public static readonly Option<bool> Json = new("--json") { Description = "Print one JSON document on stdout", Recursive = true };
    public static readonly Option<bool> DryRun = new("--dry-run") { Description = "Show the requests that would be sent; change nothing", Recursive = true };
    public static readonly Option<bool> Yes = new("--yes", "-y") { Description = "Do not ask for confirmation", Recursive = true };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print results and warnings only", Recursive = true };
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Print more detail", Recursive = true };


    // Production settings (sagemaker target): private networking, encryption, spot capacity, tags.
    public static readonly Option<string[]> Subnets = new("--subnets") { Description = "VPC subnet ids for training jobs and models (comma-separated or repeated; 1-16)", Recursive = true };
    public static readonly Option<string[]> SecurityGroupIds = new("--security-group-ids") { Description = "VPC security group ids (comma-separated or repeated; 1-5)", Recursive = true };
    public static readonly Option<bool?> NetworkIsolation = new("--network-isolation") { Description = "No network access for the training and model containers", Recursive = true };
    public static readonly Option<bool?> InterContainerEncryption = new("--inter-container-encryption") { Description = "Encrypt traffic between training instances", Recursive = true };
    public static readonly Option<string?> KmsKeyId = new("--kms-key-id") { Description = "KMS key (id, ARN or alias) for training output and volumes, the endpoint volume and S3 uploads", Recursive = true };
    public static readonly Option<bool?> Sse = new("--sse") { Description = "Encrypt S3 uploads with S3-managed keys (SSE-S3)", Recursive = true };
    public static readonly Option<bool?> Spot = new("--spot") { Description = "Managed spot training (cheaper, may wait for capacity)", Recursive = true };
    public static readonly Option<string?> MaxWait = new("--max-wait") { Description = "Spot: seconds to wait for capacity plus run (default: the max runtime)", Recursive = true };
    public static readonly Option<string?> MaxRun = new("--max-run") { Description = "Seconds a training or transform job may run (default: 86400)", Recursive = true };
    public static readonly Option<string[]> Tag = new("--tag") { Description = "KEY=VALUE tag on everything knn creates (repeatable)", Recursive = true };

    public static IEnumerable<Option> All =>
    [
        Target, Region, Profile, Bucket, Prefix, Role, Json, DryRun, Yes, Quiet, Verbose,
        Subnets, SecurityGroupIds, NetworkIsolation, InterContainerEncryption, KmsKeyId, Sse, Spot, MaxWait, MaxRun, Tag,
    ];

    public static Core.Settings.CommonOptions Read(ParseResult result) => new()
    {
        Target = result.GetValue(Target),
        Region = result.GetValue(Region),
        Profile = result.GetValue(Profile),
        Bucket = result.GetValue(Bucket),
        Prefix = result.GetValue(Prefix),
        Role = result.GetValue(Role),
        DryRun = result.GetValue(DryRun),
        Yes = result.GetValue(Yes),
        Production = new ProductionInput
        {
            Subnets = ProductionRules.SplitList(NullWhenEmpty(result.GetValue(Subnets))),
            SecurityGroupIds = ProductionRules.SplitList(NullWhenEmpty(result.GetValue(SecurityGroupIds))),
            NetworkIsolation = result.GetValue(NetworkIsolation),
            InterContainerEncryption = result.GetValue(InterContainerEncryption),
            KmsKeyId = result.GetValue(KmsKeyId),
            Sse = result.GetValue(Sse),
            Spot = result.GetValue(Spot),
            MaxWait = result.GetValue(MaxWait),
            MaxRun = result.GetValue(MaxRun),
            Tags = NullWhenEmpty(result.GetValue(Tag)),
        },
    };

    /// <summary>An absent list option reads as empty; null lets the environment and the settings file speak.</summary>
    private static string[]? NullWhenEmpty(string[]? values) => values is { Length: > 0 } ? values : null;
}
