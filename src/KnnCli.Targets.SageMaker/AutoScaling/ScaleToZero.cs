using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.AutoScaling;

/// <summary>
/// Scaling an asynchronous endpoint to zero instances, as the SageMaker guide "Autoscale an asynchronous endpoint"
/// sets it up: the variant's instance count registered with a minimum of 0; a target-tracking policy on
/// ApproximateBacklogSizePerInstance that scales in (to zero when the queue is empty) and out; and, because a
/// variant at zero has no instance to report a backlog per instance, a step policy that adds one instance when the
/// CloudWatch alarm on HasBacklogWithoutCapacity fires.
/// </summary>
internal sealed class ScaleToZero(IApplicationAutoScalingClient autoScaling, ICloudWatchClient cloudWatch)
{
    public const string ServiceNamespace = "sagemaker";
    public const string ScalableDimension = "sagemaker:variant:DesiredInstanceCount";

    /// <summary>The guide's target: about five queued requests per instance.</summary>
    public const double BacklogPerInstanceTarget = 5.0;

    public static string ResourceId(string endpointName) => $"endpoint/{endpointName}/variant/{SageMakerHosting.VariantName}";

    public static string AlarmName(string endpointName) => $"{endpointName}-HasBacklogWithoutCapacity";

    public async Task ConfigureAsync(string endpointName, int maxInstances, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var resourceId = ResourceId(endpointName);
        var dimensions = new[] { new MetricDimension { Name = "EndpointName", Value = endpointName } };
        await autoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = ServiceNamespace,
            ResourceId = resourceId,
            ScalableDimension = ScalableDimension,
            MinCapacity = 0,
            MaxCapacity = maxInstances,
        }, cancellationToken).ConfigureAwait(false);
        await autoScaling.PutScalingPolicyAsync(new PutScalingPolicyRequest
        {
            PolicyName = $"{endpointName}-backlog-per-instance",
            ServiceNamespace = ServiceNamespace,
            ResourceId = resourceId,
            ScalableDimension = ScalableDimension,
            PolicyType = "TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration = new TargetTrackingScalingPolicyConfiguration
            {
                TargetValue = BacklogPerInstanceTarget,
                CustomizedMetricSpecification = new CustomizedMetricSpecification
                {
                    MetricName = "ApproximateBacklogSizePerInstance",
                    Namespace = "AWS/SageMaker",
                    Dimensions = dimensions,
                    Statistic = "Average",
                },
                ScaleInCooldown = 600,
                ScaleOutCooldown = 300,
            },
        }, cancellationToken).ConfigureAwait(false);
        var fromZero = await autoScaling.PutScalingPolicyAsync(new PutScalingPolicyRequest
        {
            PolicyName = $"{endpointName}-scale-out-from-zero",
            ServiceNamespace = ServiceNamespace,
            ResourceId = resourceId,
            ScalableDimension = ScalableDimension,
            PolicyType = "StepScaling",
            StepScalingPolicyConfiguration = new StepScalingPolicyConfiguration
            {
                AdjustmentType = "ChangeInCapacity",
                MetricAggregationType = "Average",
                Cooldown = 300,
                StepAdjustments = [new StepAdjustment { MetricIntervalLowerBound = 0, ScalingAdjustment = 1 }],
            },
        }, cancellationToken).ConfigureAwait(false);
        await cloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest
        {
            AlarmName = AlarmName(endpointName),
            AlarmDescription = $"knn: requests wait on {endpointName} while it has no instance; adds one.",
            AlarmActions = fromZero.PolicyARN is { } arn ? [arn] : null,
            MetricName = "HasBacklogWithoutCapacity",
            Namespace = "AWS/SageMaker",
            Statistic = "Average",
            Dimensions = [new Dimension { Name = "EndpointName", Value = endpointName }],
            Period = 60,
            EvaluationPeriods = 2,
            DatapointsToAlarm = 2,
            Threshold = 1,
            ComparisonOperator = "GreaterThanOrEqualToThreshold",
            TreatMissingData = "missing",
        }, cancellationToken).ConfigureAwait(false);
        log.Info($"Endpoint {endpointName} scales between 0 and {maxInstances} instances with its queue (alarm {AlarmName(endpointName)}).");
    }

    /// <summary>Removes the alarm and the scalable target (its policies go with it); absent ones are fine.</summary>
    public async Task RemoveAsync(string endpointName, CancellationToken cancellationToken)
    {
        await cloudWatch.DeleteAlarmsAsync(new DeleteAlarmsRequest { AlarmNames = [AlarmName(endpointName)] }, cancellationToken).ConfigureAwait(false);
        try
        {
            await autoScaling.DeregisterScalableTargetAsync(new DeregisterScalableTargetRequest
            {
                ServiceNamespace = ServiceNamespace,
                ResourceId = ResourceId(endpointName),
                ScalableDimension = ScalableDimension,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (e.ErrorCode is "ObjectNotFoundException" || (e.ErrorCode == "ValidationException" && e.ServiceMessage.Contains("No scalable target", StringComparison.Ordinal)))
        {
            // Never registered (scale-to-zero was not asked for), or already removed.
        }
    }
}
