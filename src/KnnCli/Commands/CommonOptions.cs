using System.CommandLine;
using KnnCli.Core.Settings;

namespace KnnCli.Commands;

/// <summary>The options every verb takes (recursive, so they may come before or after the verb).</summary>
public static class CommonOptions
{
    public static readonly Option<string?> Target = new Option<string?>("--target") { Description = CommonOptionHelp.Describe("--target"), Recursive = true }.Suggesting("local", "sagemaker");
    public static readonly Option<string?> Region = new("--region") { Description = CommonOptionHelp.Describe("--region"), Recursive = true };
    public static readonly Option<string?> Profile = new("--profile") { Description = CommonOptionHelp.Describe("--profile"), Recursive = true };
    public static readonly Option<string?> Bucket = new("--bucket") { Description = CommonOptionHelp.Describe("--bucket"), Recursive = true };
    public static readonly Option<string?> Prefix = new("--prefix") { Description = CommonOptionHelp.Describe("--prefix"), Recursive = true };
    public static readonly Option<string?> Role = new("--role") { Description = CommonOptionHelp.Describe("--role"), Recursive = true };
    public static readonly Option<bool> Json = new("--json") { Description = CommonOptionHelp.Describe("--json"), Recursive = true };
    public static readonly Option<bool> DryRun = new("--dry-run") { Description = CommonOptionHelp.Describe("--dry-run"), Recursive = true };
    public static readonly Option<bool> Yes = new("--yes", "-y") { Description = CommonOptionHelp.Describe("--yes"), Recursive = true };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = CommonOptionHelp.Describe("--quiet"), Recursive = true };
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = CommonOptionHelp.Describe("--verbose"), Recursive = true };


    // Production settings (sagemaker target): private networking, encryption, spot capacity, tags.
    public static readonly Option<string[]> Subnets = new("--subnets") { Description = CommonOptionHelp.Describe("--subnets"), Recursive = true };
    public static readonly Option<string[]> SecurityGroupIds = new("--security-group-ids") { Description = CommonOptionHelp.Describe("--security-group-ids"), Recursive = true };
    public static readonly Option<bool?> NetworkIsolation = new("--network-isolation") { Description = CommonOptionHelp.Describe("--network-isolation"), Recursive = true };
    public static readonly Option<bool?> InterContainerEncryption = new("--inter-container-encryption") { Description = CommonOptionHelp.Describe("--inter-container-encryption"), Recursive = true };
    public static readonly Option<string?> KmsKeyId = new("--kms-key-id") { Description = CommonOptionHelp.Describe("--kms-key-id"), Recursive = true };
    public static readonly Option<bool?> Sse = new("--sse") { Description = CommonOptionHelp.Describe("--sse"), Recursive = true };
    public static readonly Option<bool?> Spot = new("--spot") { Description = CommonOptionHelp.Describe("--spot"), Recursive = true };
    public static readonly Option<string?> MaxWait = new("--max-wait") { Description = CommonOptionHelp.Describe("--max-wait"), Recursive = true };
    public static readonly Option<string?> MaxRun = new("--max-run") { Description = CommonOptionHelp.Describe("--max-run"), Recursive = true };
    public static readonly Option<string[]> Tag = new("--tag") { Description = CommonOptionHelp.Describe("--tag"), Recursive = true };

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

/// <summary>
/// The common options as the root's help lists them, readable without constructing any option: `knn --help` then
/// never loads System.CommandLine's option types (18 of its 65 ms, docs/benchmarks.md). Each option of
/// <see cref="CommonOptions"/> takes its description from here; RootHelpTests holds names and labels to the options'.
/// </summary>
public static class CommonOptionHelp
{
    /// <summary>Per option, in help order: its names as help joins them, its value's label (null for a flag), its description.</summary>
    public static readonly (string Names, string? ValueLabel, string Description)[] Rows =
    [
        ("--target", "<local|sagemaker>", "Where the workflow runs: local (default) or sagemaker"),
        ("--region", "<region>", "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile)"),
        ("--profile", "<profile>", "AWS shared-config profile"),
        ("--bucket", "<bucket>", "Bucket for data and models (default: the target's)"),
        ("--prefix", "<prefix>", "Key prefix in the bucket (default: knn)"),
        ("--role", "<role>", "IAM role ARN that SageMaker assumes"),
        ("--json", null, "Print one JSON document on stdout"),
        ("--dry-run", null, "Show the requests that would be sent; change nothing"),
        ("-y, --yes", null, "Do not ask for confirmation"),
        ("-q, --quiet", null, "Print results and warnings only"),
        ("-v, --verbose", null, "Print more detail"),
        ("--subnets", "<subnets>", "VPC subnet ids for training jobs and models (comma-separated or repeated; 1-16)"),
        ("--security-group-ids", "<security-group-ids>", "VPC security group ids (comma-separated or repeated; 1-5)"),
        ("--network-isolation", null, "No network access for the training and model containers"),
        ("--inter-container-encryption", null, "Encrypt traffic between training instances"),
        ("--kms-key-id", "<kms-key-id>", "KMS key (id, ARN or alias) for training output and volumes, the endpoint volume and S3 uploads"),
        ("--sse", null, "Encrypt S3 uploads with S3-managed keys (SSE-S3)"),
        ("--spot", null, "Managed spot training (cheaper, may wait for capacity)"),
        ("--max-wait", "<max-wait>", "Spot: seconds to wait for capacity plus run (default: the max runtime)"),
        ("--max-run", "<max-run>", "Seconds a training or transform job may run (default: 86400)"),
        ("--tag", "<tag>", "KEY=VALUE tag on everything knn creates (repeatable)"),
    ];

    /// <summary>The description of the option named <paramref name="name"/>.</summary>
    public static string Describe(string name) => Array.Find(Rows, row => row.Names.Split(", ").Contains(name)).Description;
}
