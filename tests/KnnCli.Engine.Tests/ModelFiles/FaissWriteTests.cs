using KnnCli.Engine.Index;
using KnnCli.Engine.ModelFiles;
using KnnCli.Engine.Training;

namespace KnnCli.Engine.Tests.ModelFiles;

/// <summary>Indexes and artifacts written by us, read and searched by faiss.read_index (Debian's faiss 1.7.3).</summary>
public sealed class FaissWriteTests : IDisposable
{
    private const int K = 5;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(IndexType.Flat, IndexMetric.L2, DimensionReductionType.None, "IndexFlat L2")]
    [InlineData(IndexType.Flat, IndexMetric.InnerProduct, DimensionReductionType.None, "IndexFlat INNER_PRODUCT")]
    [InlineData(IndexType.Flat, IndexMetric.Cosine, DimensionReductionType.None, "IndexFlat INNER_PRODUCT")]
    [InlineData(IndexType.Flat, IndexMetric.L2, DimensionReductionType.Sign, "IndexPreTransform L2")]
    [InlineData(IndexType.IvfFlat, IndexMetric.L2, DimensionReductionType.None, "IndexIVFFlat L2")]
    [InlineData(IndexType.IvfFlat, IndexMetric.InnerProduct, DimensionReductionType.Fjlt, "IndexPreTransform INNER_PRODUCT")]
    [InlineData(IndexType.IvfPq, IndexMetric.L2, DimensionReductionType.None, "IndexPreTransform L2")] // 9 features padded to 12 for M = 4
    [InlineData(IndexType.IvfPq, IndexMetric.L2, DimensionReductionType.Sign, "IndexPreTransform L2")]
    public async Task FaissReadsOurModelArtifact_AndFindsTheNeighboursKnnFinds(IndexType type, IndexMetric metric, DimensionReductionType reduction, string faissReadsAs)
    {
        const int dimension = 9, count = 600;
        var vectors = Gaussian(1, count * dimension);
        var labels = Enumerable.Range(0, count).Select(i => (float)(i % 3)).ToArray();
        var hyperparameters = new KnnHyperparameters
        {
            K = K, SampleSize = count, PredictorType = PredictorType.Classifier, IndexType = type, IndexMetric = metric,
            DimensionReductionType = reduction, DimensionReductionTarget = reduction == DimensionReductionType.None ? null : 6,
            IvfNlists = 8, PqM = type == IndexType.IvfPq ? 4 : null, Seed = 3,
        };
        var model = KnnModelBuilder.Build(vectors, labels, dimension, hyperparameters);
        using var artifact = new MemoryStream();
        await ModelArtifact.WriteAsync(artifact, model, CancellationToken.None);
        var indexFile = _directory.File(ModelArtifact.IndexEntry);
        await PythonFaiss.ExtractEntryAsync(artifact.ToArray(), ModelArtifact.IndexEntry, indexFile);

        var queries = Gaussian(2, 20 * dimension);
        var prepared = queries;
        if (model.Reduction is { } transform)
        {
            prepared = new float[20 * transform.OutputDimension];
            transform.Apply(queries, prepared);
        }
        if (metric == IndexMetric.Cosine)
        {
            // knn normalises a cosine query; a faiss user hands faiss the normalised query (no case here also reduces).
            VectorMath.NormalizeRows(prepared, dimension);
        }
        var (faissDistances, faissIds, readAs) = await PythonFaiss.SearchAsync(indexFile, queries, K, _directory.Path);
        var (distances, ids) = Search(model.Index, prepared);

        Assert.Equal(faissReadsAs, readAs);
        Assert.Equal(faissIds, ids.Select(id => (long)id));
        FaissReadTests.AssertClose(faissDistances, distances);
    }

    [Theory]
    [InlineData(IndexMetric.L2)]
    [InlineData(IndexMetric.InnerProduct)]
    public async Task FaissReadsOurIvfFlat_AndProbingEveryListFindsTheExactNeighbours(IndexMetric metric)
    {
        const int dimension = 8, count = 400, lists = 6;
        var vectors = Gaussian(3, count * dimension);
        var centroids = vectors[..(lists * dimension)];
        var members = Enumerable.Range(0, lists).Select(_ => new List<int>()).ToArray();
        for (var id = 0; id < count; id++) members[BestCentroid(vectors.AsSpan(id * dimension, dimension), centroids, metric)].Add(id);
        var ivf = new FaissIvfFlatData(dimension, metric, Nprobe: lists, centroids,
            members.Select(m => m.ToArray()).ToArray(),
            members.Select(m => m.SelectMany(id => vectors.AsSpan(id * dimension, dimension).ToArray()).ToArray()).ToArray());
        var indexFile = _directory.File("ivfflat");
        await PythonFaiss.WriteIndexAsync(indexFile, ivf);

        var queries = Gaussian(4, 15 * dimension);
        var (faissDistances, faissIds, _) = await PythonFaiss.SearchAsync(indexFile, queries, K, _directory.Path);
        var (distances, ids) = Search(new FlatIndex(dimension, metric, vectors), queries);

        Assert.Equal(faissIds, ids.Select(id => (long)id));
        FaissReadTests.AssertClose(faissDistances, distances);
    }

    [Theory]
    [InlineData(true, 3)]
    [InlineData(false, 3)]
    [InlineData(true, 12)] // most lists empty: faiss's sparse list sizes
    public async Task FaissDecodesOurIvfPq_AsTheRecordDefinesIt(bool byResidual, int lists)
    {
        const int dimension = 8, subQuantizers = 2, count = 60, subDimension = dimension / subQuantizers;
        var random = new System.Random(5);
        var centroids = Gaussian(6, lists * dimension);
        var codebooks = Gaussian(7, dimension * 256);
        var listOf = Enumerable.Range(0, count).Select(_ => random.Next(lists > 3 ? 2 : lists)).ToArray();
        var codes = Enumerable.Range(0, count).Select(_ => new[] { (byte)random.Next(256), (byte)random.Next(256) }).ToArray();
        var order = Enumerable.Range(0, count).OrderBy(_ => random.Next()).ToArray();
        var listIds = Enumerable.Range(0, lists).Select(l => order.Where(id => listOf[id] == l).ToArray()).ToArray();
        var pq = new FaissIvfPqData(dimension, IndexMetric.L2, Nprobe: 2, centroids, byResidual, subQuantizers, BitsPerCode: 8, codebooks,
            listIds, listIds.Select(ids => ids.SelectMany(id => codes[id]).ToArray()).ToArray());
        var indexFile = _directory.File("ivfpq");
        await PythonFaiss.WriteIndexAsync(indexFile, pq);

        var reconstructed = await PythonFaiss.ReconstructAsync(indexFile, _directory.Path);

        var expected = new float[count * dimension];
        for (var id = 0; id < count; id++)
        {
            for (var m = 0; m < subQuantizers; m++)
            {
                for (var j = 0; j < subDimension; j++)
                {
                    var value = codebooks[(m * 256 + codes[id][m]) * subDimension + j];
                    if (byResidual) value += centroids[listOf[id] * dimension + m * subDimension + j];
                    expected[id * dimension + m * subDimension + j] = value;
                }
            }
        }
        FaissReadTests.AssertClose(expected, reconstructed);
    }

    [Fact]
    public async Task FaissReadsOurLinearTransformOverAFlatIndex_AndAppliesItToQueries()
    {
        const int input = 12, output = 5, count = 300;
        var matrix = Gaussian(8, output * input);
        var bias = Gaussian(9, output);
        var reduced = Gaussian(10, count * output);
        var index = new FaissPreTransformData([new FaissLinearTransformData(input, output, matrix, bias)], new FaissFlatData(output, IndexMetric.L2, reduced));
        var indexFile = _directory.File("pretransform");
        await PythonFaiss.WriteIndexAsync(indexFile, index);

        var queries = Gaussian(11, 10 * input);
        var (faissDistances, faissIds, _) = await PythonFaiss.SearchAsync(indexFile, queries, K, _directory.Path);
        var transformed = new float[10 * output];
        for (var q = 0; q < 10; q++)
        {
            for (var o = 0; o < output; o++)
            {
                var sum = bias[o];
                for (var i = 0; i < input; i++) sum += matrix[o * input + i] * queries[q * input + i];
                transformed[q * output + o] = sum;
            }
        }
        var (distances, ids) = Search(new FlatIndex(output, IndexMetric.L2, reduced), transformed);

        Assert.Equal(faissIds, ids.Select(id => (long)id));
        FaissReadTests.AssertClose(faissDistances, distances);
    }

    internal static float[] Gaussian(int seed, int count)
    {
        var random = new System.Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();
    }

    private static (float[] Distances, int[] Ids) Search(IKnnIndex index, float[] queries)
    {
        var distances = new float[queries.Length / index.Dimension * K];
        var ids = new int[distances.Length];
        index.Search(queries, K, distances, ids);
        return (distances, ids);
    }

    private static int BestCentroid(ReadOnlySpan<float> vector, float[] centroids, IndexMetric metric)
    {
        var best = 0;
        var bestScore = double.MaxValue;
        for (var c = 0; c < centroids.Length / vector.Length; c++)
        {
            double score = 0;
            for (var j = 0; j < vector.Length; j++)
            {
                var centroid = centroids[c * vector.Length + j];
                score += metric == IndexMetric.L2 ? (vector[j] - centroid) * (vector[j] - centroid) : -vector[j] * centroid;
            }
            if (score < bestScore) (best, bestScore) = (c, score);
        }
        return best;
    }
}
