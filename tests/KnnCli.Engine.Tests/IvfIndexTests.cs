using KnnCli.Engine.Index;

namespace KnnCli.Engine.Tests;

public class IvfIndexTests
{
    private const int D = 24;
    private const int K = 10;

    [Theory]
    [InlineData(IndexMetric.L2)]
    [InlineData(IndexMetric.InnerProduct)]
    public void IvfFlatProbingEveryListIsExactSearch(IndexMetric metric)
    {
        var (vectors, _) = TestData.Clustered(3000, D, 12, seed: 5);
        var queries = TestData.Gaussian(150, D, 6);
        var ivf = IvfFlatIndex.Train(vectors, D, metric, nlist: 20, nprobe: 20, seed: 0);
        var (ivfDistances, ivfIds) = Search(ivf, queries);
        var (flatDistances, flatIds) = Search(new FlatIndex(D, metric, vectors), queries);
        Assert.Equal(flatIds, ivfIds);
        for (var i = 0; i < flatDistances.Length; i++)
            Assert.Equal(flatDistances[i], ivfDistances[i], 1e-3 * (1 + Math.Abs(flatDistances[i])));
    }

    [Fact]
    public void IvfFlatWithFewProbesKeepsHighRecallOnClusteredData()
    {
        var (vectors, _) = TestData.Clustered(20000, D, 40, seed: 7);
        var (queries, _) = TestData.Clustered(500, D, 40, seed: 7, sampleSeed: 8); // same centres, new points
        var ivf = IvfFlatIndex.Train(vectors, D, IndexMetric.L2, nlist: 141, nprobe: 16, seed: 0);
        var (_, exact) = TestData.Reference(vectors, queries, D, K, IndexMetric.L2);
        var (_, found) = Search(ivf, queries);
        Assert.True(TestData.Recall(exact, found, K) >= 0.95, $"recall@10 {TestData.Recall(exact, found, K)}");
    }

    [Fact]
    public void IvfFlatRebuiltFromItsPartsSearchesTheSame()
    {
        var (vectors, _) = TestData.Clustered(2000, D, 8, seed: 9);
        var queries = TestData.Gaussian(40, D, 10);
        var trained = IvfFlatIndex.Train(vectors, D, IndexMetric.L2, nlist: 16, nprobe: 3, seed: 1);
        var rebuilt = new IvfFlatIndex(trained.Dimension, trained.Metric, trained.Centroids, trained.ListIds, trained.ListVectors, trained.Nprobe);
        Assert.Equal(2000, rebuilt.Count);
        AssertSameResults(Search(trained, queries), Search(rebuilt, queries));
        // Every id is in exactly one list, ascending within it.
        Assert.Equal(Enumerable.Range(0, 2000), trained.ListIds.SelectMany(ids => ids).Order());
        Assert.All(trained.ListIds, ids => Assert.Equal(ids.Order(), ids));
    }

    [Fact]
    public void TrainingIsReproducibleForASeed()
    {
        var (vectors, _) = TestData.Clustered(3000, D, 10, seed: 11);
        var a = IvfFlatIndex.Train(vectors, D, IndexMetric.L2, 30, 5, seed: 3);
        var b = IvfFlatIndex.Train(vectors, D, IndexMetric.L2, 30, 5, seed: 3);
        Assert.Equal(a.Centroids, b.Centroids);
    }

    [Fact]
    public void IvfPqFindsMostTrueNeighboursAndApproximatesTheirDistances()
    {
        var (vectors, _) = TestData.Clustered(8000, 32, 20, seed: 13);
        var (queries, _) = TestData.Clustered(200, 32, 20, seed: 13, sampleSeed: 14);
        var pq = IvfPqIndex.Train(vectors, 32, nlist: 40, subQuantizers: 16, nprobe: 40, seed: 0);
        var (exactDistances, exact) = TestData.Reference(vectors, queries, 32, K, IndexMetric.L2);
        var (distances, found) = Search(pq, queries);
        Assert.True(TestData.Recall(exact, found, K) >= 0.5, $"recall@10 {TestData.Recall(exact, found, K)}");
        var meanRelativeError = Enumerable.Range(0, distances.Length).Average(i => Math.Abs(distances[i] - exactDistances[i]) / exactDistances[i]);
        Assert.True(meanRelativeError < 0.25, $"mean relative distance error {meanRelativeError}");
        Assert.All(pq.ListCodes.Zip(pq.ListIds), list => Assert.Equal(list.Second.Length * 16, list.First.Length));
    }

    [Fact]
    public void IvfPqPadsADimensionThatMDoesNotDivide()
    {
        // SageMaker's example: feature_dim 54 with faiss_index_pq_m 8 is trained as 56 dimensions.
        var (vectors, _) = TestData.Clustered(1000, 54, 5, seed: 15);
        var pq = IvfPqIndex.Train(vectors, 54, nlist: 8, subQuantizers: 8, nprobe: 8, seed: 0);
        Assert.Equal(54, pq.Dimension);
        Assert.Equal(56, pq.PaddedDimension);
        Assert.Equal(8 * 56, pq.Centroids.Length);
        Assert.Equal(8 * 256 * 7, pq.PqCodebooks.Length);
        var (_, found) = Search(pq, vectors.AsSpan(0, 54 * 20).ToArray());
        for (var q = 0; q < 20; q++) Assert.Contains(q, found.AsSpan(q * K, K).ToArray()); // each vector finds itself
    }

    [Fact]
    public void IvfPqRebuiltFromItsPartsSearchesTheSame()
    {
        var (vectors, _) = TestData.Clustered(1500, 16, 6, seed: 17);
        var queries = TestData.Gaussian(30, 16, 18);
        var trained = IvfPqIndex.Train(vectors, 16, nlist: 10, subQuantizers: 4, nprobe: 4, seed: 2);
        var rebuilt = new IvfPqIndex(trained.Dimension, trained.PaddedDimension, trained.Centroids, trained.SubQuantizers,
            trained.PqCodebooks, trained.ListIds, trained.ListCodes, trained.Nprobe);
        AssertSameResults(Search(trained, queries), Search(rebuilt, queries));
    }

    [Fact]
    public void NprobeIsCappedAtTheListCount()
    {
        var (vectors, _) = TestData.Clustered(500, 8, 4, seed: 19);
        var ivf = IvfFlatIndex.Train(vectors, 8, IndexMetric.L2, nlist: 10, nprobe: 50, seed: 0);
        Assert.Equal(10, ivf.Nprobe);
    }

    [Fact]
    public void NprobeIsAPerCallParameterAndConcurrentCallersKeepTheirOwn()
    {
        var (vectors, _) = TestData.Clustered(4000, D, 20, seed: 21);
        var queries = TestData.Gaussian(64, D, 22);
        var stored = IvfFlatIndex.Train(vectors, D, IndexMetric.L2, nlist: 32, nprobe: 1, seed: 0);
        var (_, exact) = TestData.Reference(vectors, queries, D, K, IndexMetric.L2);
        var one = Search(stored, queries);
        var all = Search(stored, queries, new SearchParameters { Nprobe = 32 });
        Assert.Equal(exact, all.Ids); // probing every list is exact
        Assert.NotEqual(exact, one.Ids); // the stored default (1) still applies when no parameter is given
        Assert.Equal(1, stored.Nprobe);

        // Two callers with different nprobe at once each get the results of their own setting.
        Parallel.For(0, 40, i =>
        {
            var (parameters, expected) = i % 2 == 0 ? ((SearchParameters?)null, one) : (new SearchParameters { Nprobe = 32 }, all);
            AssertSameResults(expected, Search(stored, queries, parameters));
        });
    }

    [Fact]
    public void IvfPqNprobeOverrideReachesEveryList()
    {
        var (vectors, _) = TestData.Clustered(3000, 16, 10, seed: 23);
        // Midpoints of stored vectors from different clusters: their neighbours lie in more than one list.
        var queries = new float[40 * 16];
        for (var i = 0; i < queries.Length; i++) queries[i] = (vectors[i] + vectors[vectors.Length - 1 - i]) / 2;
        var pq = IvfPqIndex.Train(vectors, 16, nlist: 12, subQuantizers: 4, nprobe: 1, seed: 0);
        var defaults = Search(pq, queries);
        var explicitOne = Search(pq, queries, new SearchParameters { Nprobe = 1 });
        AssertSameResults(defaults, explicitOne);
        var wide = Search(pq, queries, new SearchParameters { Nprobe = 12 });
        var storedWide = new IvfPqIndex(pq.Dimension, pq.PaddedDimension, pq.Centroids, pq.SubQuantizers, pq.PqCodebooks, pq.ListIds, pq.ListCodes, nprobe: 12);
        AssertSameResults(Search(storedWide, queries), wide);
        Assert.NotEqual(defaults.Ids, wide.Ids);
    }

    [Fact]
    public void IvfPqDistancesAreTheTableSumsOfTheirCodes()
    {
        // The distance reported for a neighbour is ‖q − c − decode(code)‖² computed directly from the codebooks.
        var (vectors, _) = TestData.Clustered(1200, 12, 6, seed: 25);
        var queries = TestData.Gaussian(10, 12, 26);
        var pq = IvfPqIndex.Train(vectors, 12, nlist: 6, subQuantizers: 3, nprobe: 6, seed: 0);
        var (distances, ids) = Search(pq, queries);
        const int dsub = 4;
        for (var q = 0; q < 10; q++)
            for (var j = 0; j < K; j++)
            {
                var id = ids[q * K + j];
                var list = Enumerable.Range(0, pq.ListCount).First(l => pq.ListIds[l].Contains(id));
                var position = Array.IndexOf(pq.ListIds[list], id);
                double sum = 0;
                for (var t = 0; t < 12; t++)
                {
                    var code = pq.ListCodes[list][position * 3 + t / dsub];
                    var decoded = pq.Centroids[list * 12 + t] + pq.PqCodebooks[((t / dsub) * 256 + code) * dsub + t % dsub];
                    var diff = queries[q * 12 + t] - decoded;
                    sum += diff * diff;
                }
                Assert.Equal(sum, distances[q * K + j], 1e-3 * (1 + sum));
            }
    }

    private static void AssertSameResults((float[] Distances, int[] Ids) expected, (float[] Distances, int[] Ids) actual)
    {
        Assert.Equal(expected.Ids, actual.Ids);
        Assert.Equal(expected.Distances, actual.Distances);
    }

    private static (float[] Distances, int[] Ids) Search(IKnnIndex index, float[] queries, SearchParameters? parameters = null)
    {
        var nq = queries.Length / index.Dimension;
        var distances = new float[nq * K];
        var ids = new int[nq * K];
        index.Search(queries, K, distances, ids, parameters);
        return (distances, ids);
    }
}
