using System.CommandLine;
using KnnCli.Core.Settings;

namespace KnnCli.Commands;

/// <summary>The options every verb takes (recursive, so they may come before or after the verb).</summary>
public static class CommonOptions
{
    public static readonly Option<string?> Target = new("--target") { Description = "Where the workflow runs: local (default) or sagemaker", Recursive = true };
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

    public static IEnumerable<Option> All => [Target, Region, Profile, Bucket, Prefix, Role, Json, DryRun, Yes, Quiet, Verbose];

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
    };
}
