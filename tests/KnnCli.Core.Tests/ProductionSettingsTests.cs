using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.State;

namespace KnnCli.Core.Tests;

/// <summary>The production settings (networking, encryption, spot, tags): resolved by precedence from real sources and checked before any call.</summary>
public sealed class ProductionSettingsTests : IDisposable
{
    private const string Subnet = "subnet-0123abcd";
    private const string LongSubnet = "subnet-0123456789abcdef0";
    private const string Group = "sg-89abcdef";
    private const string KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";

    private readonly string _directory = Directory.CreateTempSubdirectory("knn-production-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private ProductionSettings Resolve(ProductionInput? option = null, IReadOnlyDictionary<string, string>? environment = null, string? settingsFile = null)
    {
        if (settingsFile is not null) File.WriteAllText(Path.Combine(_directory, SettingsResolver.SettingsFileName), settingsFile);
        var env = environment ?? new Dictionary<string, string>();
        return SettingsResolver.Resolve(new CommonOptions { Production = option ?? new ProductionInput() }, name => env.GetValueOrDefault(name), _directory, new KnnState()).Production;
    }

    private InputException Refused(ProductionInput option) => Assert.Throws<InputException>(() => Resolve(option));

    [Fact]
    public void Nothing_given_means_no_production_setting()
    {
        var settings = Resolve();
        Assert.Empty(settings.Subnets);
        Assert.Empty(settings.SecurityGroupIds);
        Assert.Empty(settings.Tags);
        Assert.Null(settings.KmsKeyId);
        Assert.False(settings.NetworkIsolation || settings.InterContainerEncryption || settings.S3ManagedEncryption || settings.Spot);
        Assert.Equal(86400, settings.MaxRunSeconds);
        Assert.False(settings.HasSageMakerOnlySettings);
        Assert.Null(settings.EffectiveMaxWaitSeconds);
    }

    [Fact]
    public void Every_setting_given_as_options_is_kept_exactly()
    {
        var settings = Resolve(new ProductionInput
        {
            Subnets = ProductionRules.SplitList([$"{Subnet},{LongSubnet}"]),
            SecurityGroupIds = [Group],
            NetworkIsolation = true,
            InterContainerEncryption = true,
            KmsKeyId = $"arn:aws:kms:eu-west-1:111122223333:key/{KeyId}",
            Spot = true,
            MaxWait = "7200",
            MaxRun = "3600",
            Tags = ["team=search", "cost center=ml 42", "empty="],
        });
        Assert.Equal([Subnet, LongSubnet], settings.Subnets);
        Assert.Equal([Group], settings.SecurityGroupIds);
        Assert.True(settings.NetworkIsolation && settings.InterContainerEncryption && settings.Spot);
        Assert.Equal($"arn:aws:kms:eu-west-1:111122223333:key/{KeyId}", settings.KmsKeyId);
        Assert.Equal((7200, 3600), (settings.EffectiveMaxWaitSeconds!.Value, settings.MaxRunSeconds));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "search", ["cost center"] = "ml 42", ["empty"] = "" }, settings.Tags);
        Assert.True(settings.HasSageMakerOnlySettings);
    }

    [Fact]
    public void Spot_without_max_wait_waits_as_long_as_the_job_may_run()
    {
        Assert.Equal(86400, Resolve(new ProductionInput { Spot = true }).EffectiveMaxWaitSeconds);
        Assert.Equal(600, Resolve(new ProductionInput { Spot = true, MaxRun = "600" }).EffectiveMaxWaitSeconds);
    }

    [Fact]
    public void Option_beats_environment_beats_settings_file_and_tags_merge_per_key()
    {
        var file = $$"""
            { "subnets": ["subnet-aaaaaaaa"], "security_group_ids": ["sg-aaaaaaaa"], "kms_key_id": "alias/from-file", "spot": true,
              "max_wait": 90000, "network_isolation": true, "tags": { "team": "file", "owner": "file" } }
            """;
        var environment = new Dictionary<string, string>
        {
            ["KNN_SUBNETS"] = "subnet-bbbbbbbb, subnet-cccccccc",
            ["KNN_KMS_KEY_ID"] = "alias/from-env",
            ["KNN_NETWORK_ISOLATION"] = "false",
            ["KNN_TAGS"] = "team=env,stage=dev",
        };
        var settings = Resolve(new ProductionInput { KmsKeyId = "alias/from-option", Tags = ["team=option"] }, environment, file);

        Assert.Equal(["subnet-bbbbbbbb", "subnet-cccccccc"], settings.Subnets);
        Assert.Equal(["sg-aaaaaaaa"], settings.SecurityGroupIds);
        Assert.Equal("alias/from-option", settings.KmsKeyId);
        Assert.False(settings.NetworkIsolation);
        Assert.True(settings.Spot);
        Assert.Equal(90000, settings.MaxWaitSeconds);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "option", ["owner"] = "file", ["stage"] = "dev" }, settings.Tags);
    }

    [Theory]
    [InlineData(KeyId)]
    [InlineData("mrk-1234abcd12ab34cd56ef1234567890ab")]
    [InlineData("alias/ExampleAlias")]
    [InlineData("alias/aws/s3")]
    [InlineData("arn:aws:kms:us-west-2:111122223333:key/" + KeyId)]
    [InlineData("arn:aws:kms:us-west-2:111122223333:alias/ExampleAlias")]
    [InlineData("arn:aws-cn:kms:cn-north-1:111122223333:key/" + KeyId)]
    public void Every_form_of_kms_key_the_services_take_is_accepted(string key) =>
        Assert.Equal(key, Resolve(new ProductionInput { KmsKeyId = key }).KmsKeyId);

    [Theory]
    [InlineData("my-key")]
    [InlineData("1234abcd-12ab-34cd-56ef")]
    [InlineData("alias/")]
    [InlineData("alias/has space")]
    [InlineData("arn:aws:kms:us-west-2:1111:key/" + KeyId)]
    [InlineData("arn:aws:s3:::bucket")]
    public void A_malformed_kms_key_is_refused_naming_the_accepted_forms(string key)
    {
        var e = Refused(new ProductionInput { KmsKeyId = key });
        Assert.StartsWith("--kms-key-id '", e.Message);
        Assert.Contains("alias/<name>", e.Message);
    }

    public static TheoryData<string, ProductionInput, string> BadInputs() => new()
    {
        { "subnet pattern", new ProductionInput { Subnets = ["subnet-XYZ12345"], SecurityGroupIds = [Group] }, "--subnets 'subnet-XYZ12345': not a valid id" },
        { "subnet is a group", new ProductionInput { Subnets = [Group], SecurityGroupIds = [Group] }, "--subnets 'sg-89abcdef': not a valid id" },
        { "group pattern", new ProductionInput { Subnets = [Subnet], SecurityGroupIds = ["sg-123"] }, "--security-group-ids 'sg-123': not a valid id" },
        { "17 subnets", new ProductionInput { Subnets = [.. Enumerable.Range(0, 17).Select(i => $"subnet-{i:x8}")], SecurityGroupIds = [Group] }, "--subnets: 17 given, at most 16 allowed." },
        { "6 groups", new ProductionInput { Subnets = [Subnet], SecurityGroupIds = [.. Enumerable.Range(0, 6).Select(i => $"sg-{i:x8}")] }, "--security-group-ids: 6 given, at most 5 allowed." },
        { "subnets alone", new ProductionInput { Subnets = [Subnet] }, "--subnets needs --security-group-ids too" },
        { "groups alone", new ProductionInput { SecurityGroupIds = [Group] }, "--security-group-ids needs --subnets too" },
        { "sse with kms", new ProductionInput { Sse = true, KmsKeyId = KeyId }, "--sse and --kms-key-id both choose" },
        { "max wait without spot", new ProductionInput { MaxWait = "90000" }, "--max-wait applies to spot training only" },
        { "max wait below max run", new ProductionInput { Spot = true, MaxWait = "3599", MaxRun = "3600" }, "--max-wait 3599: must be at least the max runtime (3600 s" },
        { "max wait not a number", new ProductionInput { Spot = true, MaxWait = "1h" }, "--max-wait 1h: expected a whole number of seconds" },
        { "max run zero", new ProductionInput { MaxRun = "0" }, "--max-run 0: expected a whole number of seconds" },
        { "tag without equals", new ProductionInput { Tags = ["team"] }, "--tag team: expected KEY=VALUE." },
        { "empty tag key", new ProductionInput { Tags = ["=x"] }, "--tag key '': expected 1 to 128 characters" },
        { "long tag key", new ProductionInput { Tags = [new string('k', 129) + "=x"] }, "expected 1 to 128 characters" },
        { "tag key character", new ProductionInput { Tags = ["team!=x"] }, "--tag key 'team!'" },
        { "aws prefix", new ProductionInput { Tags = ["AWS:createdBy=me"] }, "the aws: prefix is reserved" },
        { "knn's own tag", new ProductionInput { Tags = ["knn:created-by=me"] }, "knn sets that tag itself" },
        { "tag value character", new ProductionInput { Tags = ["team=a,b"] }, "--tag team=…: the value must be at most 256 characters" },
        { "long tag value", new ProductionInput { Tags = ["team=" + new string('v', 257)] }, "the value must be at most 256 characters" },
        { "50 tags", new ProductionInput { Tags = [.. Enumerable.Range(0, 50).Select(i => $"t{i}=v")] }, "--tag: 50 tags given, at most 49 allowed" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_values_are_refused_with_one_line_naming_the_option(string name, ProductionInput input, string expected)
    {
        var e = Refused(input);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(ExitCodes.UsageOrInput, e.ExitCode);
        Assert.NotEmpty(name);
    }

    [Fact]
    public void A_bad_flag_in_the_environment_names_the_variable()
    {
        var e = Assert.Throws<InputException>(() => Resolve(environment: new Dictionary<string, string> { ["KNN_SPOT"] = "maybe" }));
        Assert.Equal("KNN_SPOT=maybe: expected true or false.", e.Message);
    }

    [Fact]
    public void A_bad_id_in_the_settings_file_is_refused_too()
    {
        var e = Assert.Throws<InputException>(() => Resolve(settingsFile: """{ "subnets": ["subnet-1"], "security_group_ids": ["sg-89abcdef"] }"""));
        Assert.Contains("'subnet-1': not a valid id", e.Message);
    }
}
