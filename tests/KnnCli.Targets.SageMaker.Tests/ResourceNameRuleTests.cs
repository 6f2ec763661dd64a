using System.Text.RegularExpressions;
using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>knn's name and ARN rules are the official SageMaker model's, member for member.</summary>
public sealed class ResourceNameRuleTests
{
    public static TheoryData<string, string, string> Members() => new()
    {
        { "CreateTrainingJob", "TrainingJobName", nameof(ResourceNames.TrainingJob) },
        { "CreateTrainingJob", "RoleArn", nameof(ResourceNames.Role) },
        { "CreateHyperParameterTuningJob", "HyperParameterTuningJobName", nameof(ResourceNames.TuningJob) },
        { "CreateModel", "ModelName", nameof(ResourceNames.Model) },
        { "CreateModel", "ExecutionRoleArn", nameof(ResourceNames.Role) },
        { "CreateEndpointConfig", "EndpointConfigName", nameof(ResourceNames.EndpointConfig) },
        { "CreateEndpoint", "EndpointName", nameof(ResourceNames.Endpoint) },
        { "CreateEndpoint", "EndpointConfigName", nameof(ResourceNames.EndpointConfig) },
        { "CreateTransformJob", "TransformJobName", nameof(ResourceNames.TransformJob) },
        { "CreateTransformJob", "ModelName", nameof(ResourceNames.Model) },
    };

    private static NameRule Rule(string name) => name switch
    {
        nameof(ResourceNames.TrainingJob) => ResourceNames.TrainingJob,
        nameof(ResourceNames.TuningJob) => ResourceNames.TuningJob,
        nameof(ResourceNames.Role) => ResourceNames.Role,
        nameof(ResourceNames.Model) => ResourceNames.Model,
        nameof(ResourceNames.EndpointConfig) => ResourceNames.EndpointConfig,
        nameof(ResourceNames.Endpoint) => ResourceNames.Endpoint,
        nameof(ResourceNames.TransformJob) => ResourceNames.TransformJob,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Members))]
    public void Each_rule_has_the_pattern_and_lengths_of_the_models_shape(string operation, string member, string ruleName)
    {
        var model = ServiceModel.SageMaker;
        var input = model.Shape(model.InputShape(operation));
        var shapeName = input.GetProperty("members").GetProperty(member).GetProperty("shape").GetString()!;
        var shape = model.Shape(shapeName);
        var rule = Rule(ruleName);

        Assert.Equal(shapeName, rule.Shape);
        Assert.Equal(shape.GetProperty("pattern").GetString(), rule.Pattern);
        Assert.Equal(shape.GetProperty("min").GetInt32(), rule.MinLength);
        Assert.Equal(shape.GetProperty("max").GetInt32(), rule.MaxLength);
    }

    /// <summary>Names around each rule's edges, judged by the model's own pattern and bounds (matched whole).</summary>
    public static TheoryData<string, string> Samples()
    {
        var data = new TheoryData<string, string>();
        string[] names = ["a", "knn-2026-12-02-07-00-00-000", "a--b", "-a", "a-", "a_b", "a.b", "a b", "", new string('x', 63), new string('x', 64), "ünï", "a\n", "A9"];
        string[] roles = ["arn:aws:iam::123456789012:role/KnnRole", "arn:aws-cn:iam::123456789012:role/path/to/Role", "arn:aws:iam::123456789012:role",
            "arn:aws:iam::12345678901:role/x", "arn:aws:iam::123456789012:user/x", "notanarn", "arn:aws:iam::123456789012:role/x y", "arn:aws:iam::１２３456789012:role/x"];
        foreach (var rule in new[] { nameof(ResourceNames.TrainingJob), nameof(ResourceNames.Model), nameof(ResourceNames.EndpointConfig), nameof(ResourceNames.Endpoint) })
            foreach (var name in names) data.Add(rule, name);
        foreach (var role in roles) data.Add(nameof(ResourceNames.Role), role);
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_value_is_accepted_exactly_when_the_model_allows_it(string ruleName, string value)
    {
        var rule = Rule(ruleName);
        var shape = ServiceModel.SageMaker.Shape(rule.Shape);
        // The oracle: the model's pattern as a whole-string, ASCII-digit match (ECMAScript \d), and its bounds.
        var pattern = new Regex($"^(?:{shape.GetProperty("pattern").GetString()})$", RegexOptions.ECMAScript);
        var allowed = value.Length >= shape.GetProperty("min").GetInt32() && value.Length <= shape.GetProperty("max").GetInt32()
            && pattern.IsMatch(value) && !value.EndsWith('\n');

        Assert.Equal(allowed, rule.IsValid(value));
    }

    [Fact]
    public void The_names_knn_makes_up_pass_the_rules()
    {
        var generated = Core.Workflow.WorkflowContext.UniqueName("knn");
        Assert.True(ResourceNames.TrainingJob.IsValid(generated));
        Assert.True(ResourceNames.Endpoint.IsValid(generated));
        Assert.True(ResourceNames.Model.IsValid(generated));
    }
}
