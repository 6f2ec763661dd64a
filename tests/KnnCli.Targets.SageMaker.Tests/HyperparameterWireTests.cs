using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>What CreateTrainingJob carries to the real moto server: every hyperparameter knn accepts, none dropped.</summary>
[Collection(MotoCollection.Name)]
public sealed class HyperparameterWireTests(MotoServer moto)
{
    [Fact]
    public async Task Hidden_and_default_valued_hyperparameters_given_by_the_user_are_sent_to_CreateTrainingJob()
    {
        var transport = new CheckedTransport();
        await using var target = (SageMakerTargetInstance)SageMakerTarget.Create(MotoServer.Settings(), new RecordingLog(), moto.Options(() => transport.Create()));
        var job = $"knn-hp-{Guid.NewGuid():N}"[..20];
        var given = new Dictionary<string, string>
        {
            ["k"] = "3", ["sample_size"] = "100", ["predictor_type"] = "classifier", ["feature_dim"] = "4",
            ["_faiss_index_nprobe"] = "10", ["_seed"] = "7", ["mini_batch_size"] = "5000", ["index_metric"] = "L2",
        };

        await target.Trainer.TrainAsync(new TrainingRequest
        {
            JobName = job,
            Hyperparameters = KnnHyperparameters.Parse(given),
            ExtraHyperparameters = new Dictionary<string, string> { ["_tuning_objective_metric"] = "test:accuracy" },
            Train = new StoreUri("knn-hp-bucket", "train/train.csv"),
            OutputPath = new StoreUri("knn-hp-bucket", "output"),
        }, wait: false, new RecordingLog(), CancellationToken.None);

        var sent = transport.LastBody("SageMaker.CreateTrainingJob").GetProperty("HyperParameters")
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(given.Append(new("_tuning_objective_metric", "test:accuracy")).ToDictionary(p => p.Key, p => (string?)p.Value), sent);
        Assert.Empty(transport.Violations);
    }
}
