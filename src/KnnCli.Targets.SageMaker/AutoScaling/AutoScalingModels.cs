using System.Text.Json.Serialization;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.AutoScaling;

// Application Auto Scaling (2016-02-06) and CloudWatch (2010-08-01) shapes knn sends, named as in the service models.

public sealed class RegisterScalableTargetRequest
{
    public required string ServiceNamespace { get; init; }
    public required string ResourceId { get; init; }
    public required string ScalableDimension { get; init; }
    public int? MinCapacity { get; init; }
    public int? MaxCapacity { get; init; }
}

public sealed class RegisterScalableTargetResponse
{
    public string? ScalableTargetARN { get; init; }
}

public sealed class DeregisterScalableTargetRequest
{
    public required string ServiceNamespace { get; init; }
    public required string ResourceId { get; init; }
    public required string ScalableDimension { get; init; }
}

public sealed class MetricDimension
{
    public required string Name { get; init; }
    public required string Value { get; init; }
}

public sealed class CustomizedMetricSpecification
{
    public required string MetricName { get; init; }
    public required string Namespace { get; init; }
    public IReadOnlyList<MetricDimension>? Dimensions { get; init; }
    public required string Statistic { get; init; }
}

public sealed class TargetTrackingScalingPolicyConfiguration
{
    public required double TargetValue { get; init; }
    public CustomizedMetricSpecification? CustomizedMetricSpecification { get; init; }
    public int? ScaleInCooldown { get; init; }
    public int? ScaleOutCooldown { get; init; }
}

public sealed class StepAdjustment
{
    public double? MetricIntervalLowerBound { get; init; }
    public required int ScalingAdjustment { get; init; }
}

public sealed class StepScalingPolicyConfiguration
{
    public string? AdjustmentType { get; init; }
    public IReadOnlyList<StepAdjustment>? StepAdjustments { get; init; }
    public int? Cooldown { get; init; }
    public string? MetricAggregationType { get; init; }
}

public sealed class PutScalingPolicyRequest
{
    public required string PolicyName { get; init; }
    public required string ServiceNamespace { get; init; }
    public required string ResourceId { get; init; }
    public required string ScalableDimension { get; init; }
    public string? PolicyType { get; init; }
    public StepScalingPolicyConfiguration? StepScalingPolicyConfiguration { get; init; }
    public TargetTrackingScalingPolicyConfiguration? TargetTrackingScalingPolicyConfiguration { get; init; }
}

public sealed class PutScalingPolicyResponse
{
    public string? PolicyARN { get; init; }
}

public sealed class Dimension
{
    public required string Name { get; init; }
    public required string Value { get; init; }
}

public sealed class PutMetricAlarmRequest
{
    public required string AlarmName { get; init; }
    public string? AlarmDescription { get; init; }
    public IReadOnlyList<string>? AlarmActions { get; init; }
    public string? MetricName { get; init; }
    public string? Namespace { get; init; }
    public string? Statistic { get; init; }
    public IReadOnlyList<Dimension>? Dimensions { get; init; }
    public int? Period { get; init; }
    public required int EvaluationPeriods { get; init; }
    public int? DatapointsToAlarm { get; init; }
    public double? Threshold { get; init; }
    public required string ComparisonOperator { get; init; }
    public string? TreatMissingData { get; init; }
}

public sealed class DeleteAlarmsRequest
{
    public required IReadOnlyList<string> AlarmNames { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegisterScalableTargetRequest))]
[JsonSerializable(typeof(RegisterScalableTargetResponse))]
[JsonSerializable(typeof(DeregisterScalableTargetRequest))]
[JsonSerializable(typeof(PutScalingPolicyRequest))]
[JsonSerializable(typeof(PutScalingPolicyResponse))]
[JsonSerializable(typeof(PutMetricAlarmRequest))]
[JsonSerializable(typeof(DeleteAlarmsRequest))]
[JsonSerializable(typeof(SageMaker.EmptyResponse))]
internal sealed partial class AutoScalingJsonContext : JsonSerializerContext;

/// <summary>Application Auto Scaling, shaped like AWSSDK.ApplicationAutoScaling's IAmazonApplicationAutoScaling.</summary>
public interface IApplicationAutoScalingClient
{
    Task<RegisterScalableTargetResponse> RegisterScalableTargetAsync(RegisterScalableTargetRequest request, CancellationToken cancellationToken);
    Task<PutScalingPolicyResponse> PutScalingPolicyAsync(PutScalingPolicyRequest request, CancellationToken cancellationToken);
    Task<SageMaker.EmptyResponse> DeregisterScalableTargetAsync(DeregisterScalableTargetRequest request, CancellationToken cancellationToken);
}

/// <summary>The CloudWatch alarms knn uses, shaped like AWSSDK.CloudWatch's IAmazonCloudWatch.</summary>
public interface ICloudWatchClient
{
    Task<SageMaker.EmptyResponse> PutMetricAlarmAsync(PutMetricAlarmRequest request, CancellationToken cancellationToken);
    Task<SageMaker.EmptyResponse> DeleteAlarmsAsync(DeleteAlarmsRequest request, CancellationToken cancellationToken);
}

/// <summary>Application Auto Scaling over AWS JSON 1.1 (X-Amz-Target: AnyScaleFrontendService.&lt;Operation&gt;).</summary>
internal sealed class ApplicationAutoScalingClient(AwsJsonClient json) : IApplicationAutoScalingClient
{
    public const string TargetPrefix = "AnyScaleFrontendService";

    private static readonly AutoScalingJsonContext Types = AutoScalingJsonContext.Default;

    public Task<RegisterScalableTargetResponse> RegisterScalableTargetAsync(RegisterScalableTargetRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("RegisterScalableTarget", request, Types.RegisterScalableTargetRequest, Types.RegisterScalableTargetResponse, mutating: true, cancellationToken);

    public Task<PutScalingPolicyResponse> PutScalingPolicyAsync(PutScalingPolicyRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("PutScalingPolicy", request, Types.PutScalingPolicyRequest, Types.PutScalingPolicyResponse, mutating: true, cancellationToken);

    public Task<SageMaker.EmptyResponse> DeregisterScalableTargetAsync(DeregisterScalableTargetRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DeregisterScalableTarget", request, Types.DeregisterScalableTargetRequest, Types.EmptyResponse, mutating: true, cancellationToken);
}

/// <summary>CloudWatch over AWS JSON 1.0 (X-Amz-Target: GraniteServiceVersion20100801.&lt;Operation&gt;), one of the protocols its model lists.</summary>
internal sealed class CloudWatchClient(AwsJsonClient json) : ICloudWatchClient
{
    public const string TargetPrefix = "GraniteServiceVersion20100801";

    private static readonly AutoScalingJsonContext Types = AutoScalingJsonContext.Default;

    public Task<SageMaker.EmptyResponse> PutMetricAlarmAsync(PutMetricAlarmRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("PutMetricAlarm", request, Types.PutMetricAlarmRequest, Types.EmptyResponse, mutating: true, cancellationToken);

    public Task<SageMaker.EmptyResponse> DeleteAlarmsAsync(DeleteAlarmsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DeleteAlarms", request, Types.DeleteAlarmsRequest, Types.EmptyResponse, mutating: true, cancellationToken);
}
