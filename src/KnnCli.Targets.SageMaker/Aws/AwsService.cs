namespace KnnCli.Targets.SageMaker.Aws;

/// <summary>What addressing and signing a service needs: its endpoint prefix, SigV4 name and endpoint override variable.</summary>
public sealed record AwsService(string DisplayName, string EndpointPrefix, string SigningName, string EndpointEnvironmentSuffix)
{
    public static readonly AwsService SageMaker = new("SageMaker", "api.sagemaker", "sagemaker", "SAGEMAKER");

    /// <summary>The runtime signs as "sagemaker", not as its endpoint prefix.</summary>
    public static readonly AwsService SageMakerRuntime = new("SageMaker Runtime", "runtime.sagemaker", "sagemaker", "SAGEMAKER_RUNTIME");

    public static readonly AwsService CloudWatchLogs = new("CloudWatch Logs", "logs", "logs", "CLOUDWATCH_LOGS");

    public static readonly AwsService ApplicationAutoScaling = new("Application Auto Scaling", "application-autoscaling", "application-autoscaling", "APPLICATION_AUTO_SCALING");

    public static readonly AwsService CloudWatch = new("CloudWatch", "monitoring", "monitoring", "CLOUDWATCH");

    public static readonly AwsService S3 = new("S3", "s3", "s3", "S3");

    public static readonly AwsService Sts = new("STS", "sts", "sts", "STS");

    /// <summary>Global in the aws partition: iam.amazonaws.com, signed for us-east-1.</summary>
    public static readonly AwsService Iam = new("IAM", "iam", "iam", "IAM");
}
