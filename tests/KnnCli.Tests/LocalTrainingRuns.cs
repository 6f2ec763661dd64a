using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Targets.Local;

namespace KnnCli.Tests;

/// <summary>One local training job on two CSV files: k = 1, a classifier of two features, scored on the test file.</summary>
internal static class LocalTrainingRuns
{
    public static async Task<TrainingResult> TrainAsync(LocalTarget target, StoreUri prefix, string trainFile, string testFile, int sampleSize, IWorkflowLog log)
    {
        var ct = CancellationToken.None;
        await target.Store.EnsureBucketAsync(LocalTarget.DefaultBucket, ct);
        await target.Store.PutFileAsync(trainFile, prefix.Append("train/train.csv"), "text/csv", null, ct);
        await target.Store.PutFileAsync(testFile, prefix.Append("test/test.csv"), "text/csv", null, ct);
        return await target.Trainer.TrainAsync(new TrainingRequest
        {
            JobName = "local-training",
            Hyperparameters = KnnHyperparameters.Parse(new Dictionary<string, string>
            {
                ["k"] = "1", ["sample_size"] = sampleSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["predictor_type"] = "classifier", ["feature_dim"] = "2",
            }),
            Train = prefix.Append("train/"),
            Test = prefix.Append("test/test.csv"),
            OutputPath = prefix.Append("output"),
        }, wait: true, log, ct);
    }
}
