using KnnCli.Engine.Index;
using KnnCli.Engine.Tests.Reference;
using KnnCli.Engine.Training;

namespace KnnCli.Engine.Tests;

/// <summary>The engine against scikit-learn itself (run through Debian's python3), not against our own reference.</summary>
public class ScikitLearnAgreementTests
{
    private const int D = 20;
    private const int K = 7;

    [Theory]
    [InlineData("euclidean")]
    [InlineData("cosine")]
    [InlineData("inner_product")]
    public async Task NeighboursAndDistancesMatchScikitLearn(string metric)
    {
        var data = TestData.Gaussian(3000, D, 41);
        var queries = TestData.Gaussian(200, D, 42);
        var (expectedIds, expectedScores) = await SklearnReference.NeighborsAsync(data, queries, D, K, metric);
        var (ids, scores) = Search(data, queries, metric);

        var same = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(expectedScores[i], scores[i], 1e-4 * (1 + Math.Abs(expectedScores[i])));
            if (ids[i] == expectedIds[i]) same++;
        }
        Assert.True(same >= ids.Length - 2, $"{ids.Length - same} of {ids.Length} neighbours differ from scikit-learn's.");
    }

    [Fact]
    public async Task FashionMnistAccuracyMatchesScikitLearnForK1AndK5()
    {
        var fashion = FashionMnist.Load();
        var sklearn = await SklearnReference.FashionMnistPredictionsAsync(1, 5);
        var hp = KnnHyperparameters.Parse(new Dictionary<string, string> { ["k"] = "5", ["sample_size"] = "60000", ["predictor_type"] = "classifier" });
        var model = KnnModelBuilder.Build(fashion.TrainImages, fashion.TrainLabels, FashionMnist.Pixels, hp);
        var rows = fashion.TestLabels.Length;
        var predictions = new float[rows];
        var neighbourLabels = new float[rows * 5];
        model.Predict(fashion.TestImages, predictions, new float[rows * 5], neighbourLabels);
        var byK = new Dictionary<int, float[]>
        {
            [1] = Enumerable.Range(0, rows).Select(r => neighbourLabels[r * 5]).ToArray(), // k = 1: the nearest neighbour's label
            [5] = predictions,
        };
        foreach (var (k, ours) in byK)
        {
            var disagreements = ours.Where((p, i) => p != sklearn[k][i]).Count();
            // Pixels are integers, so exact distance ties happen; each side may break them its own way. Allow a
            // handful of rows (0.05 %) to differ, and the accuracy by no more than those rows.
            Assert.True(disagreements <= 5, $"k={k}: {disagreements} predictions differ from scikit-learn's.");
            Assert.Equal(Accuracy(sklearn[k].Select(p => (float)p).ToArray(), fashion.TestLabels), Accuracy(ours, fashion.TestLabels), 5.0 / rows);
        }
    }

    private static (long[] Ids, double[] Scores) Search(float[] data, float[] queries, string metric)
    {
        var nq = queries.Length / D;
        var distances = new float[nq * K];
        var ids = new int[nq * K];
        if (metric == "cosine")
        {
            var hp = KnnHyperparameters.Parse(new Dictionary<string, string> { ["k"] = $"{K}", ["sample_size"] = "3000", ["predictor_type"] = "classifier", ["index_metric"] = "COSINE" });
            var model = KnnModelBuilder.Build((float[])data.Clone(), new float[data.Length / D], D, hp);
            var labels = new float[nq * K];
            model.Predict(queries, new float[nq], distances, labels);
            return (NeighbourIds(model.Index, queries), distances.Select(similarity => 1.0 - similarity).ToArray());
        }
        var index = new FlatIndex(D, metric == "euclidean" ? IndexMetric.L2 : IndexMetric.InnerProduct, data);
        index.Search(queries, K, distances, ids);
        return (ids.Select(id => (long)id).ToArray(), distances.Select(x => (double)x).ToArray());
    }

    /// <summary>The ids a cosine model finds: its index searched with the normalised queries.</summary>
    private static long[] NeighbourIds(IKnnIndex index, float[] queries)
    {
        var normalised = (float[])queries.Clone();
        for (var q = 0; q < normalised.Length / D; q++)
        {
            var row = normalised.AsSpan(q * D, D);
            var norm = MathF.Sqrt(row.ToArray().Sum(x => x * x));
            for (var t = 0; t < D; t++) row[t] /= norm;
        }
        var ids = new int[queries.Length / D * K];
        index.Search(normalised, K, new float[ids.Length], ids);
        return ids.Select(id => (long)id).ToArray();
    }

    private static double Accuracy(float[] predictions, float[] labels) =>
        predictions.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
}
