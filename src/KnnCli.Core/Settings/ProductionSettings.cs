using System.Globalization;
using System.Text.RegularExpressions;
using KnnCli.Core.Errors;

namespace KnnCli.Core.Settings;

/// <summary>
/// The production settings of the sagemaker target (private networking, encryption, spot capacity, tags), resolved and
/// validated before any call. The local target accepts and validates them too, so a command line that works on one
/// target works on the other, but runs unchanged.
/// </summary>
public sealed record ProductionSettings
{
    public static readonly ProductionSettings None = new();

    /// <summary>VpcConfig.Subnets of training jobs and models (empty: no VPC).</summary>
    public IReadOnlyList<string> Subnets { get; init; } = [];
    public IReadOnlyList<string> SecurityGroupIds { get; init; } = [];
    public bool NetworkIsolation { get; init; }
    public bool InterContainerEncryption { get; init; }
    /// <summary>The KMS key (id, ARN, alias or alias ARN) for training output and volume, the endpoint volume and S3 uploads.</summary>
    public string? KmsKeyId { get; init; }
    /// <summary>S3-managed keys (SSE-S3) for uploads when no KMS key is given.</summary>
    public bool S3ManagedEncryption { get; init; }
    public bool Spot { get; init; }
    /// <summary>StoppingCondition.MaxWaitTimeInSeconds of a spot job (default: the max runtime).</summary>
    public int? MaxWaitSeconds { get; init; }
    /// <summary>StoppingCondition.MaxRuntimeInSeconds (default: 86400, the SageMaker SDK's max_run).</summary>
    public int MaxRunSeconds { get; init; } = DefaultMaxRunSeconds;
    /// <summary>The user's tags, beside knn's own knn:created-by.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public const int DefaultMaxRunSeconds = 86400;

    public bool HasVpc => Subnets.Count > 0;

    /// <summary>Any setting that only the sagemaker target acts on (tags are recorded by both).</summary>
    public bool HasSageMakerOnlySettings =>
        HasVpc || NetworkIsolation || InterContainerEncryption || KmsKeyId is not null || S3ManagedEncryption || Spot
        || MaxWaitSeconds is not null || MaxRunSeconds != DefaultMaxRunSeconds;

    /// <summary>The spot wait, defaulted to the max runtime as SageMaker requires at least that.</summary>
    public int? EffectiveMaxWaitSeconds => Spot ? MaxWaitSeconds ?? MaxRunSeconds : null;
}

/// <summary>The production settings as given by one source (an option, KNN_* variables, the settings file): null when absent.</summary>
public sealed record ProductionInput
{
    public IReadOnlyList<string>? Subnets { get; init; }
    public IReadOnlyList<string>? SecurityGroupIds { get; init; }
    public bool? NetworkIsolation { get; init; }
    public bool? InterContainerEncryption { get; init; }
    public string? KmsKeyId { get; init; }
    public bool? Sse { get; init; }
    public bool? Spot { get; init; }
    public string? MaxWait { get; init; }
    public string? MaxRun { get; init; }
    /// <summary>KEY=VALUE entries.</summary>
    public IReadOnlyList<string>? Tags { get; init; }
}

/// <summary>
/// Merges the sources (option &gt; environment &gt; settings file, per setting; tags merged per key with the same
/// precedence) and checks every value by the rules of SageMaker's API model and AWS's id formats: one line, exit 2.
/// </summary>
public static partial class ProductionRules
{
    public const int MaxSubnets = 16;
    public const int MaxSecurityGroups = 5;
    /// <summary>SageMaker's TagList holds at most 50 tags; knn:created-by takes one.</summary>
    public const int MaxUserTags = 49;
    public const string ReservedTagKey = "knn:created-by";

    [GeneratedRegex(@"\Asubnet-(?:[0-9a-f]{8}|[0-9a-f]{17})\z", RegexOptions.CultureInvariant)]
    private static partial Regex SubnetId();

    [GeneratedRegex(@"\Asg-(?:[0-9a-f]{8}|[0-9a-f]{17})\z", RegexOptions.CultureInvariant)]
    private static partial Regex SecurityGroupId();

    // A key id is a UUID or a multi-Region key (mrk- and 32 hex digits); an alias is alias/ and letters, digits, / _ -.
    private const string KeyId = "(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})";
    private const string Alias = "alias/[a-zA-Z0-9/_-]{1,250}";

    [GeneratedRegex($@"\A(?:{KeyId}|{Alias}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{{12}}:(?:key/{KeyId}|{Alias}))\z", RegexOptions.CultureInvariant)]
    private static partial Regex KmsKey();

    // SageMaker's TagKey/TagValue pattern: letters, separators (spaces), digits and _ . : / = + - @.
    [GeneratedRegex(@"\A[\p{L}\p{Z}\p{N}_.:/=+\-@]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagText();

    /// <param name="picker">Records where each value came from.</param>
    public static ProductionSettings Resolve(ProductionInput option, ProductionInput environment, ProductionInput file, SettingPicker picker)
    {
        // A setting's option is --NAME with dashes, its variable KNN_NAME: one name says all three sources.
        T? Pick<T>(string name, Func<ProductionInput, T?> get, T? fallback = default) => picker.Pick(name,
            SettingPicker.Option(get(option), $"--{name.Replace('_', '-')}"),
            new SettingCandidate<T>(get(environment), SettingPicker.FromEnvironment, $"KNN_{name.ToUpperInvariant()}"),
            picker.File(get(file)),
            SettingPicker.Default(fallback));
        bool PickFlag(string name, Func<ProductionInput, bool?> get) => Pick(name, get, false) ?? false;

        var subnets = Ids(Pick("subnets", i => i.Subnets), "--subnets", SubnetId(), "subnet-", MaxSubnets);
        var groups = Ids(Pick("security_group_ids", i => i.SecurityGroupIds), "--security-group-ids", SecurityGroupId(), "sg-", MaxSecurityGroups);
        if (subnets.Count > 0 && groups.Count == 0)
            throw new InputException("--subnets needs --security-group-ids too: a VPC configuration takes 1 to 5 security groups.");
        if (groups.Count > 0 && subnets.Count == 0)
            throw new InputException("--security-group-ids needs --subnets too: a VPC configuration takes 1 to 16 subnets.");

        var kms = Pick("kms_key_id", i => i.KmsKeyId)?.Trim();
        if (kms is not null && !KmsKey().IsMatch(kms))
            throw new InputException($"--kms-key-id '{ErrorText.Excerpt(kms)}': expected a KMS key id (1234abcd-12ab-34cd-56ef-1234567890ab), a key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias (alias/<name>) or an alias ARN.");
        var sse = PickFlag("sse", i => i.Sse);
        if (sse && kms is not null)
            throw new InputException("--sse and --kms-key-id both choose the S3 encryption: --sse for S3-managed keys, --kms-key-id for your KMS key; give one.");

        var spot = PickFlag("spot", i => i.Spot);
        var maxRun = Seconds(Pick("max_run", i => i.MaxRun, ProductionSettings.DefaultMaxRunSeconds.ToString(CultureInfo.InvariantCulture)), "--max-run") ?? ProductionSettings.DefaultMaxRunSeconds;
        var maxWait = Seconds(Pick("max_wait", i => i.MaxWait), "--max-wait");
        if (maxWait is not null && !spot)
            throw new InputException("--max-wait applies to spot training only: add --spot, or drop --max-wait.");
        if (maxWait < maxRun)
            throw new InputException($"--max-wait {maxWait}: must be at least the max runtime ({maxRun} s, --max-run), since it covers the wait for spot capacity plus the run.");

        return new ProductionSettings
        {
            Subnets = subnets,
            SecurityGroupIds = groups,
            NetworkIsolation = PickFlag("network_isolation", i => i.NetworkIsolation),
            InterContainerEncryption = PickFlag("inter_container_encryption", i => i.InterContainerEncryption),
            KmsKeyId = kms,
            S3ManagedEncryption = sse,
            Spot = spot,
            MaxWaitSeconds = maxWait,
            MaxRunSeconds = maxRun,
            Tags = Tags(picker, picker.File(file.Tags), new(environment.Tags, SettingPicker.FromEnvironment, "KNN_TAGS"), SettingPicker.Option(option.Tags, "--tag")),
        };
    }

    /// <summary>A comma-separated list (KNN_SUBNETS=subnet-a,subnet-b; --subnets a,b or repeated), blanks dropped.</summary>
    public static IReadOnlyList<string>? SplitList(IEnumerable<string>? values) =>
        values is null ? null : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>true/false, 1/0, yes/no (case-insensitive) from a KNN_* variable; null when unset.</summary>
    public static bool? Flag(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return value.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new InputException($"{name}={ErrorText.Excerpt(value)}: expected true or false."),
        };
    }

    private static List<string> Ids(IReadOnlyList<string>? given, string option, Regex pattern, string prefix, int max)
    {
        var ids = (given ?? []).Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
        {
            if (!pattern.IsMatch(id))
                throw new InputException($"{option} '{ErrorText.Excerpt(id)}': not a valid id: expected {prefix} and 8 or 17 lowercase hex digits ({prefix}0123abcd).");
        }
        if (ids.Count > max) throw new InputException($"{option}: {ids.Count} given, at most {max} allowed.");
        return ids;
    }

    private static int? Seconds(string? value, string option)
    {
        if (value is null) return null;
        if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
            throw new InputException($"{option} {ErrorText.Excerpt(value)}: expected a whole number of seconds, at least 1.");
        return seconds;
    }

    /// <summary>Later sources win per key: the settings file, then KNN_TAGS, then --tag; each key is recorded as tag:KEY with its source.</summary>
    private static Dictionary<string, string> Tags(SettingPicker picker, params SettingCandidate<IReadOnlyList<string>>[] sources)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var origins = new Dictionary<string, SettingCandidate<IReadOnlyList<string>>>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var entry in source.Value ?? [])
            {
                var equals = entry.IndexOf('=');
                if (equals < 0) throw new InputException($"--tag {ErrorText.Excerpt(entry)}: expected KEY=VALUE.");
                var (key, value) = (entry[..equals].Trim(), entry[(equals + 1)..].Trim());
                CheckTag(key, value);
                tags[key] = value;
                origins[key] = source;
            }
        }
        if (tags.Count > MaxUserTags) throw new InputException($"--tag: {tags.Count} tags given, at most {MaxUserTags} allowed (SageMaker takes 50 per resource, knn adds {ReservedTagKey}).");
        foreach (var (key, value) in tags) picker.Record($"tag:{key}", value, origins[key].Source, origins[key].From);
        return tags;
    }

    private static void CheckTag(string key, string value)
    {
        const string Allowed = "letters, digits, spaces and _ . : / = + - @";
        if (key.Length is < 1 or > 128 || !TagText().IsMatch(key))
            throw new InputException($"--tag key '{ErrorText.Excerpt(key)}': expected 1 to 128 characters: {Allowed}.");
        if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            throw new InputException($"--tag key '{ErrorText.Excerpt(key)}': the aws: prefix is reserved for AWS.");
        if (key == ReservedTagKey)
            throw new InputException($"--tag key '{ReservedTagKey}': knn sets that tag itself; choose another key.");
        if (value.Length > 256 || !TagText().IsMatch(value))
            throw new InputException($"--tag {ErrorText.Excerpt(key)}=…: the value must be at most 256 characters: {Allowed}.");
    }
}
