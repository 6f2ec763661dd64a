using KnnCli.Engine.Index;
using KnnCli.Engine.Training;

namespace KnnCli.Engine.Tests;

public class ModelBuilderTests
{
    private static KnnHyperparameters Hp(params (string Name, string Value)[] extra)
    {
        var values = new Dictionary<string, string> { ["k"] = "5", ["sample_size"] = "100000", ["predictor_type"] = "classifier" };
        foreach (var (name, value) in extra) values[name] = value;
        return KnnHyperparameters.Parse(values);
    }

    [Theory]
    [InlineData("faiss.Flat", typeof(FlatIndex))]
    [InlineData("faiss.IVFFlat", typeof(IvfFlatIndex))]
    [InlineData("faiss.IVFPQ", typeof(IvfPqIndex))]
    public void EachIndexTypeClassifiesSeparableClusters(string indexType, Type expected)
    {
        var (vectors, labels) = TestData.Clustered(3000, 16, 5, seed: 21);
        var (queries, truth) = TestData.Clustered(200, 16, 5, seed: 21, sampleSeed: 22);
        var model = KnnModelBuilder.Build(vectors, labels, 16, Hp(("index_type", indexType), ("faiss_index_pq_m", "8")));
        Assert.IsType(expected, model.Index);
        var predictions = new float[200];
        model.Predict(queries, predictions);
        Assert.True(predictions.Zip(truth).Count(p => p.First == p.Second) >= 196);
    }

    [Fact]
    public void AutoListCountIsTheSquareRootOfTheSample()
    {
        var (vectors, labels) = TestData.Clustered(2500, 8, 3, seed: 23);
        var model = KnnModelBuilder.Build(vectors, labels, 8, Hp(("index_type", "faiss.IVFFlat")));
        var ivf = Assert.IsType<IvfFlatIndex>(model.Index);
        Assert.Equal(50, ivf.ListCount);
        Assert.Equal(5, ivf.Nprobe); // the container's _faiss_index_nprobe default
    }

    [Fact]
    public void TooFewPointsForTheListsIsAClearHyperparameterError()
    {
        var (vectors, labels) = TestData.Clustered(100, 4, 2, seed: 25);
        var error = Assert.Throws<HyperparameterException>(() =>
            KnnModelBuilder.Build(vectors, labels, 4, Hp(("index_type", "faiss.IVFFlat"), ("faiss_index_ivf_nlists", "200"))));
        Assert.Contains("at least 200 training points", error.Message);
        Assert.Contains("holds 100", error.Message);
    }

    [Fact]
    public void TooFewPointsForTheCodebooksIsAClearHyperparameterError()
    {
        var (vectors, labels) = TestData.Clustered(200, 8, 2, seed: 27);
        var error = Assert.Throws<HyperparameterException>(() =>
            KnnModelBuilder.Build(vectors, labels, 8, Hp(("index_type", "faiss.IVFPQ"), ("faiss_index_pq_m", "4"))));
        Assert.Contains("at least 256 training points", error.Message);
    }

    [Fact]
    public void KLargerThanTheIndexedPointsPredictsWithAllOfThem()
    {
        var model = KnnModelBuilder.Build([0, 0, 1, 1, 2, 2], [0, 1, 1], 2, Hp(("k", "5")));
        Assert.Equal(5, model.Metadata.K);
        Assert.Equal(3, model.EffectiveK);
        var predictions = new float[1];
        var distances = new float[3];
        var labels = new float[3];
        model.Predict([0, 0], predictions, distances, labels);
        Assert.Equal(1f, predictions[0]); // two of the three labels are 1
        Assert.Equal([0f, 2f, 8f], distances);
    }

    [Fact]
    public void PqWithReductionRaisesTheTargetToAMultipleOfM()
    {
        var (vectors, labels) = TestData.Clustered(1000, 40, 4, seed: 29);
        var model = KnnModelBuilder.Build(vectors, labels, 40, Hp(("index_type", "faiss.IVFPQ"), ("faiss_index_pq_m", "8"),
            ("dimension_reduction_type", "sign"), ("dimension_reduction_target", "13"), ("_seed", "9")));
        Assert.Equal(new DimensionReductionInfo("sign", 9, 16, 40), model.Metadata.DimensionReduction);
        var pq = Assert.IsType<IvfPqIndex>(model.Index);
        Assert.Equal(16, pq.Dimension);
        Assert.Equal(16, pq.PaddedDimension);
        Assert.Equal(40, model.FeatureDimension);
    }

    [Theory]
    [InlineData("sign")]
    [InlineData("fjlt")]
    public void ReducedModelsPredictThroughTheirTransform(string type)
    {
        var (vectors, labels) = TestData.Clustered(2000, 64, 4, seed: 31);
        var (queries, truth) = TestData.Clustered(100, 64, 4, seed: 31, sampleSeed: 32);
        var model = KnnModelBuilder.Build(vectors, labels, 64, Hp(("dimension_reduction_type", type), ("dimension_reduction_target", "12")));
        Assert.Equal(12, model.Index.Dimension);
        Assert.Equal(64, model.FeatureDimension);
        Assert.Equal(model.Reduction is Reduction.LinearTransform t ? t.Matrix : null,
            Reduction.RandomProjection.Create(model.Metadata.DimensionReduction!).Matrix); // rebuilt from metadata alone
        var predictions = new float[100];
        model.Predict(queries, predictions);
        Assert.True(predictions.Zip(truth).Count(p => p.First == p.Second) >= 95);
    }

    [Fact]
    public void CosineNormalisesVectorsAndQueries()
    {
        // Same directions, very different lengths: cosine sees them as identical.
        var model = KnnModelBuilder.Build([1, 0, 0, 10, 5, 5], [7, 8, 9], 2, Hp(("k", "1"), ("index_metric", "COSINE")));
        Assert.True(model.Metadata.Normalize);
        var predictions = new float[2];
        var distances = new float[2];
        var labels = new float[2];
        model.Predict([100, 1, 0, 0.001f], predictions, distances, labels);
        Assert.Equal([7f, 8f], predictions);
        Assert.Equal(1f, distances[1], 1e-5); // inner product of unit vectors: cosine similarity
    }

    [Fact]
    public void RegressorPredictsTheMeanOfTheNeighboursLabels()
    {
        var model = KnnModelBuilder.Build([0, 1, 2, 10], [1, 2, 6, 100], 1, Hp(("k", "3"), ("predictor_type", "regressor")));
        var predictions = new float[1];
        model.Predict([0.5f], predictions);
        Assert.Equal(3f, predictions[0]);
    }

    [Fact]
    public void ClassifierTieGoesToTheSmallestLabel()
    {
        Assert.Equal(1f, KnnModel.MajorityVote([3, 1, 3, 1, 2]));
        var model = KnnModelBuilder.Build([0, 1, 2, 3], [5, 2, 5, 2], 1, Hp(("k", "4")));
        var predictions = new float[1];
        model.Predict([1.5f], predictions);
        Assert.Equal(2f, predictions[0]);
    }

    [Fact]
    public void MajorityVoteOverAThousandNeighboursMatchesCounting()
    {
        // SageMaker allows k up to 1024; the vote sorts once instead of comparing every pair.
        var random = new System.Random(3);
        for (var trial = 0; trial < 20; trial++)
        {
            var labels = Enumerable.Range(0, 1024).Select(_ => (float)random.Next(0, 7 + trial)).ToArray();
            var counts = labels.GroupBy(l => l).Select(g => (Label: g.Key, Count: g.Count())).ToList();
            var max = counts.Max(c => c.Count);
            var expected = counts.Where(c => c.Count == max).Min(c => c.Label);
            Assert.Equal(expected, KnnModel.MajorityVote(labels));
        }
        Assert.Equal(4f, KnnModel.MajorityVote([4]));
    }

    [Fact]
    public void PredictionsWithFewerNeighboursThanKUseWhatWasFound()
    {
        // nprobe 1 over tiny lists: a query's single list holds fewer than k vectors.
        var (vectors, labels) = TestData.Clustered(300, 4, 30, seed: 35);
        var model = KnnModelBuilder.Build(vectors, labels, 4, Hp(("k", "20"), ("index_type", "faiss.IVFFlat"), ("faiss_index_ivf_nlists", "60"), ("_faiss_index_nprobe", "1")));
        var predictions = new float[1];
        var distances = new float[20];
        var neighbourLabels = new float[20];
        model.Predict(vectors.AsSpan(0, 4), predictions, distances, neighbourLabels);
        Assert.Contains(float.PositiveInfinity, distances);
        Assert.Equal(labels[0], predictions[0]);
    }
}
