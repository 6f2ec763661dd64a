using System.Text.RegularExpressions;
using KnnCli.Core.Errors;

namespace KnnCli.Core.Targets;

/// <summary>
/// One naming rule of SageMaker's API model (botocore's sagemaker service-2.json): the shape's pattern, matched
/// whole as the service matches it, and its length bounds; <paramref name="Plain"/> says it in user words.
/// </summary>
public sealed class NameRule(string shape, string what, string pattern, int minLength, int maxLength, string plain)
{
    // \A…\z, not ^…$ ($ also matches before a final newline); ASCII only, so \d means 0-9 as the service means it.
    private readonly Regex _whole = new($@"\A(?:{pattern})\z", RegexOptions.CultureInvariant);

    /// <summary>The API model's shape name (TrainingJobName, RoleArn …).</summary>
    public string Shape { get; } = shape;
    public string What { get; } = what;
    public string Pattern { get; } = pattern;
    public int MinLength { get; } = minLength;
    public int MaxLength { get; } = maxLength;
    public string Plain { get; } = plain;

    public bool IsValid(string value) =>
        value.Length >= MinLength && value.Length <= MaxLength && value.All(char.IsAscii) && _whole.IsMatch(value);

    /// <summary>Refuses a given value that breaks the rule: one line naming the option and the rule (exit 2).</summary>
    public void Check(string option, string? value)
    {
        if (value is null || IsValid(value)) return;
        throw new InputException($"{option} '{ErrorText.Excerpt(value)}': not a valid {What}: {Plain} (SageMaker's {Shape} rule).");
    }
}

/// <summary>
/// The names and ARNs knn sends to SageMaker, checked before any call on every target, so a name that works
/// locally works on SageMaker too.
/// </summary>
public static class ResourceNames
{
    private const string HyphenatedName = "1 to 63 letters, digits and hyphens, starting and ending with a letter or digit";

    public static readonly NameRule TrainingJob = new("TrainingJobName", "training job name", "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", 1, 63, HyphenatedName);
    public static readonly NameRule TuningJob = new("HyperParameterTuningJobName", "tuning job name", "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}", 1, 32,
        "1 to 32 letters, digits and hyphens, starting and ending with a letter or digit");
    public static readonly NameRule Model = new("ModelName", "model name", @"[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?", 0, 63, HyphenatedName);
    public static readonly NameRule EndpointConfig = new("EndpointConfigName", "endpoint config name", "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", 0, 63, HyphenatedName);
    public static readonly NameRule Endpoint = new("EndpointName", "endpoint name", "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", 0, 63, HyphenatedName);
    public static readonly NameRule TransformJob = new("TransformJobName", "transform job name", "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", 1, 63, HyphenatedName);
    public static readonly NameRule Role = new("RoleArn", "IAM role ARN", @"arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+", 20, 2048,
        "expected arn:aws:iam::<12-digit account>:role/<name>, 20 to 2048 characters");
}
