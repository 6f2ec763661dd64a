using System.Text.Json;

namespace KnnCli.Targets.SageMaker.Tests.Fixtures;

/// <summary>Replies of the tuning operations in the official output shapes, for <see cref="RecordedResponses"/>.</summary>
public static class TuningReplies
{
    /// <summary>A ListTrainingJobsForHyperParameterTuningJob reply; each job is (name, status, k, objective or null).</summary>
    public static string List(string tuningJob, params (string Name, string Status, string K, double? Objective)[] jobs) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["TrainingJobSummaries"] = jobs.Select(j =>
        {
            var summary = new Dictionary<string, object>
            {
                ["TrainingJobName"] = j.Name,
                ["TrainingJobArn"] = $"arn:aws:sagemaker:us-east-1:{MotoServer.AccountId}:training-job/{j.Name.ToLowerInvariant()}",
                ["TuningJobName"] = tuningJob,
                ["CreationTime"] = 1_764_720_000,
                ["TrainingJobStatus"] = j.Status,
                ["TunedHyperParameters"] = new Dictionary<string, string> { ["k"] = j.K, ["sample_size"] = "512" },
            };
            if (j.Objective is { } value)
            {
                summary["FinalHyperParameterTuningJobObjectiveMetric"] = new Dictionary<string, object> { ["MetricName"] = "test:accuracy", ["Value"] = value };
                summary["ObjectiveStatus"] = "Succeeded";
            }
            if (j.Status == "Failed") summary["FailureReason"] = "AlgorithmError: k is larger than the sample";
            return summary;
        }).ToArray(),
    });

    /// <summary>A DescribeHyperParameterTuningJob reply in a given status (moto's own is Completed at once).</summary>
    public static string Describe(string tuningJob, string status, string? failureReason = null, int inProgress = 0)
    {
        var reply = new Dictionary<string, object>
        {
            ["HyperParameterTuningJobName"] = tuningJob,
            ["HyperParameterTuningJobArn"] = $"arn:aws:sagemaker:us-east-1:{MotoServer.AccountId}:hyper-parameter-tuning-job/{tuningJob}",
            ["HyperParameterTuningJobConfig"] = new Dictionary<string, object>
            {
                ["Strategy"] = "Bayesian",
                ["ResourceLimits"] = new Dictionary<string, object> { ["MaxNumberOfTrainingJobs"] = 3, ["MaxParallelTrainingJobs"] = 1 },
            },
            ["HyperParameterTuningJobStatus"] = status,
            ["CreationTime"] = 1_764_720_000,
            ["TrainingJobStatusCounters"] = new Dictionary<string, int> { ["Completed"] = 1, ["InProgress"] = inProgress, ["NonRetryableError"] = 0 },
            ["ObjectiveStatusCounters"] = new Dictionary<string, int> { ["Succeeded"] = 1, ["Pending"] = inProgress, ["Failed"] = 0 },
        };
        if (failureReason is not null) reply["FailureReason"] = failureReason;
        return JsonSerializer.Serialize(reply);
    }

    /// <summary>Answers for a tuning job that failed with <paramref name="reason"/> before any training job ended.</summary>
    public static RecordedResponses Failed(string tuningJob, string reason) => new RecordedResponses()
        .Answer("DescribeHyperParameterTuningJob", Describe(tuningJob, "Failed", reason))
        .Answer("ListTrainingJobsForHyperParameterTuningJob", List(tuningJob));
}
