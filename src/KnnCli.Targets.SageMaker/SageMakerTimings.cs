namespace KnnCli.Targets.SageMaker;

/// <summary>How often the target polls and how long one attempt may take. Defaults follow the Python SDK (log tail), waiters-2.json (plain waits) and botocore (timeouts); tests shorten them.</summary>
public sealed record SageMakerTimings
{
    /// <summary>Pause between log reads while a training job runs.</summary>
    public TimeSpan LogPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>DescribeTrainingJob at most this often while tailing logs (the SDK's 30 s).</summary>
    public TimeSpan TrainingStatusInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>DescribeTransformJob this often while a transform job runs (the SDK's wait_for_transform_job polls every 5 s).</summary>
    public TimeSpan TransformStatusInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>DescribeHyperParameterTuningJob and its training jobs' list this often while a tuning job runs (the SDK's tuner polls as train does).</summary>
    public TimeSpan TuningStatusInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>waiters-2.json EndpointInService: every 30 s, at most 120 times.</summary>
    public TimeSpan EndpointInServiceDelay { get; init; } = TimeSpan.FromSeconds(30);

    public int EndpointInServiceMaxAttempts { get; init; } = 120;

    /// <summary>waiters-2.json EndpointDeleted: every 30 s, at most 60 times.</summary>
    public TimeSpan EndpointDeletedDelay { get; init; } = TimeSpan.FromSeconds(30);

    public int EndpointDeletedMaxAttempts { get; init; } = 60;

    /// <summary>How long one attempt of a SageMaker or CloudWatch Logs call may take (botocore's 60 s read timeout); a timed-out attempt is retried.</summary>
    public TimeSpan ControlPlaneAttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The container must answer InvokeEndpoint within 60 s; the docs advise a client timeout a little above it.</summary>
    public TimeSpan RuntimeAttemptTimeout { get; init; } = TimeSpan.FromSeconds(70);

    /// <summary>Tests use this to make every wait fast.</summary>
    public static SageMakerTimings Fast { get; } = new()
    {
        LogPollInterval = TimeSpan.FromMilliseconds(20),
        TrainingStatusInterval = TimeSpan.FromMilliseconds(20),
        TuningStatusInterval = TimeSpan.FromMilliseconds(20),
        EndpointInServiceDelay = TimeSpan.FromMilliseconds(20),
        EndpointDeletedDelay = TimeSpan.FromMilliseconds(20),
        TransformStatusInterval = TimeSpan.FromMilliseconds(20),
    };
}
