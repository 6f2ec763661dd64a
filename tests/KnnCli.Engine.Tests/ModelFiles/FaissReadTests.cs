using System.Runtime.InteropServices;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Engine.Tests.ModelFiles;

/// <summary>Indexes written by faiss.write_index (Debian's faiss 1.7.3), read by our reader.</summary>
public sealed class FaissReadTests(FaissExportFixture faiss) : IClassFixture<FaissExportFixture>
{
    public static TheoryData<string> AllCases => new()
    {
        "flat_l2", "flat_ip", "flat_empty", "ivfflat_l2", "ivfflat_ip", "ivfflat_sparse", "ivfpq", "pretransform_flat", "pretransform_ivfpq",
    };

    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task ReadsWhatFaissWrote_PartByPart(string name)
    {
        var data = await PythonFaiss.ReadIndexAsync(faiss.IndexFile(name));

        Assert.Equal(faiss.Int(name, "d"), data.Dimension);
        Assert.Equal(faiss.Int(name, "ntotal"), data.Count);
        Assert.Equal(faiss.String(name, "metric"), KnnHyperparameters.MetricName(data.Metric));
        if (data is FaissPreTransformData pre)
        {
            var transform = Assert.Single(pre.Chain);
            Assert.Equal((faiss.Int(name, "d"), faiss.Int(name, "d_out")), (transform.InputDimension, transform.OutputDimension));
            Assert.Equal(await faiss.PartAsync<float>(name, "A.f32"), transform.Matrix);
            Assert.Equal(await faiss.PartAsync<float>(name, "b.f32"), transform.Bias);
            Assert.Equal(faiss.String(name, "inner"), Kind(pre.Index));
            data = pre.Index;
        }
        else
        {
            Assert.Equal(faiss.String(name, "kind"), Kind(data));
        }

        switch (data)
        {
            case FaissFlatData flat:
                Assert.Equal(await faiss.PartAsync<float>(name, "vectors.f32"), flat.Vectors);
                break;
            case FaissIvfData ivf:
                Assert.Equal(faiss.Int(name, "nlist"), ivf.ListCount);
                Assert.Equal(faiss.Int(name, "nprobe"), ivf.Nprobe);
                Assert.Equal(await faiss.PartAsync<float>(name, "centroids.f32"), ivf.Centroids);
                Assert.Equal(await faiss.PartAsync<long>(name, "list_sizes.i64"), ivf.ListIds.Select(ids => (long)ids.Length));
                Assert.Equal(await faiss.PartAsync<long>(name, "list_ids.i64"), ivf.ListIds.SelectMany(ids => ids).Select(id => (long)id));
                var codes = ivf switch
                {
                    FaissIvfFlatData flatLists => flatLists.ListVectors.SelectMany(v => MemoryMarshal.AsBytes(v.AsSpan()).ToArray()),
                    FaissIvfPqData pqLists => pqLists.ListCodes.SelectMany(c => c),
                    _ => throw new InvalidOperationException(),
                };
                Assert.Equal(await faiss.PartAsync<byte>(name, "list_codes.u8"), codes);
                if (ivf is FaissIvfPqData pq)
                {
                    Assert.Equal((faiss.Int(name, "m"), faiss.Int(name, "nbits"), true), (pq.SubQuantizers, pq.BitsPerCode, pq.ByResidual));
                    Assert.Equal(await faiss.PartAsync<float>(name, "pq_centroids.f32"), pq.PqCodebooks);
                }
                break;
        }
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task WritesBackWhatFaissReadsAsItsOwn(string name)
    {
        var original = await File.ReadAllBytesAsync(faiss.IndexFile(name));
        var data = await PythonFaiss.ReadIndexAsync(faiss.IndexFile(name));
        var rewritten = faiss.IndexFile(name) + ".ours";
        await PythonFaiss.WriteIndexAsync(rewritten, data);
        var ours = await File.ReadAllBytesAsync(rewritten);

        Assert.Equal(ours.Length, FaissIndexFormat.SerializedLength(data));
        if (name == "pretransform_ivfpq")
        {
            // faiss writes a PCAMatrix ("Pcam", with its mean and eigenvalues); we write the same A and b as a LinearTransform.
            Assert.NotEqual(original.Length, ours.Length);
        }
        else
        {
            Assert.Equal(original, ours);
        }

        var queries = await faiss.PartAsync<float>(name, "queries.f32");
        var (distances, ids, _) = await PythonFaiss.SearchAsync(rewritten, queries, faiss.Int(name, "k"), faiss.WorkDirectory);
        Assert.Equal(await faiss.PartAsync<long>(name, "ids.i64"), ids);
        Assert.Equal(await faiss.PartAsync<float>(name, "distances.f32"), distances);
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task TheEngineAnswersAsFaissDoes(string name)
    {
        var (index, reduction) = FaissEngineMapping.ToEngine(await PythonFaiss.ReadIndexAsync(faiss.IndexFile(name)));
        Assert.Equal(faiss.Int(name, "d"), reduction?.InputDimension ?? index.Dimension);

        var k = faiss.Int(name, "k");
        var queries = await faiss.PartAsync<float>(name, "queries.f32");
        if (reduction is not null)
        {
            var reduced = new float[queries.Length / reduction.InputDimension * reduction.OutputDimension];
            reduction.Apply(queries, reduced);
            queries = reduced;
        }
        var distances = new float[queries.Length / index.Dimension * k];
        var ids = new int[distances.Length];
        index.Search(queries, k, distances, ids);

        var faissIds = await faiss.PartAsync<long>(name, "ids.i64");
        Assert.Equal(faissIds, ids.Select(id => (long)id));
        var found = faissIds.Select(id => id >= 0).ToArray();
        AssertClose((await faiss.PartAsync<float>(name, "distances.f32")).Where((_, i) => found[i]).ToArray(), distances.Where((_, i) => found[i]).ToArray());
    }

    [Theory]
    [InlineData("unsupported_hnsw", "holds a faiss IndexHNSWFlat ('IHNf'), which knn cannot read")]
    [InlineData("unsupported_ivfsq", "holds a faiss IndexIVFScalarQuantizer ('IwSq'), which knn cannot read")]
    [InlineData("unsupported_l1", "the metric is faiss metric type 2 (L1); knn reads L2 (1) and inner product (0)")]
    public async Task RefusesWhatItCannotRead_SayingWhatItFound(string name, string message)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PythonFaiss.ReadIndexAsync(faiss.IndexFile(name)));
        Assert.Contains(message, error.Message);
    }

    internal static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tolerance = 1e-4f * Math.Max(1f, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"Distance {i}: faiss {expected[i]}, knn {actual[i]}.");
        }
    }

    private static string Kind(FaissIndexData data) => data switch
    {
        FaissFlatData => "flat",
        FaissIvfFlatData => "ivfflat",
        FaissIvfPqData => "ivfpq",
        _ => "pretransform",
    };
}
