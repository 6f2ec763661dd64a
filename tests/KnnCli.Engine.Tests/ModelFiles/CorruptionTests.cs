using KnnCli.Engine.ModelFiles;

namespace KnnCli.Engine.Tests.ModelFiles;

/// <summary>
/// Truncations and byte flips of valid files: each is either refused with an <see cref="InvalidDataException"/> or
/// read into a model that still answers queries. No other exception, no crash, no runaway allocation.
/// </summary>
public sealed class CorruptionTests
{
    public static TheoryData<IndexType, DimensionReductionType> Models => new()
    {
        { IndexType.Flat, DimensionReductionType.None },
        { IndexType.IvfFlat, DimensionReductionType.None },
        { IndexType.IvfPq, DimensionReductionType.None }, // padded: an IndexPreTransform
        { IndexType.IvfPq, DimensionReductionType.Sign },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task EveryTruncationOfTheIndex_IsRefused(IndexType type, DimensionReductionType reduction)
    {
        var index = await IndexBytesAsync(type, reduction);

        for (var length = 0; length < index.Length; length++)
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadIndexAsync(index.AsSpan(0, length).ToArray()));
            Assert.StartsWith("model_algo-1: ", error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task ByteFlipsInTheIndex_AreRefusedOrStillSearchable(IndexType type, DimensionReductionType reduction)
    {
        var index = await IndexBytesAsync(type, reduction);
        var random = new System.Random(1);
        var refused = 0;

        for (var trial = 0; trial < 3000; trial++)
        {
            var corrupted = index.ToArray();
            // Half the flips hit the first 512 bytes, where the headers and sizes are.
            var position = trial % 2 == 0 ? random.Next(Math.Min(512, corrupted.Length)) : random.Next(corrupted.Length);
            corrupted[position] = (byte)random.Next(256);
            refused += await RefusedOrSearchableAsync($"byte {position} = {corrupted[position]}", async () =>
            {
                var data = await ReadIndexAsync(corrupted);
                var (engineIndex, transform) = FaissEngineMapping.ToEngine(data);
                var queries = FaissWriteTests.Gaussian(2, 3 * (transform?.InputDimension ?? engineIndex.Dimension));
                if (transform is not null)
                {
                    var reduced = new float[3 * transform.OutputDimension];
                    transform.Apply(queries, reduced);
                    queries = reduced;
                }
                engineIndex.Search(queries, 4, new float[12], new int[12]);
            });
        }
        Assert.True(refused >= 30, $"Only {refused} of 3000 corruptions were refused: the flips do not reach the parser.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task TruncationsAndByteFlipsOfTheArchive_AreRefusedOrStillPredict(IndexType type, DimensionReductionType reduction)
    {
        var model = ArtifactBuilder.Train(type, reduction, count: 300);
        var artifact = await ArtifactBuilder.WriteAsync(model);
        var entries = await ArtifactBuilder.EntriesAsync(artifact);
        var tar = ArtifactBuilder.Tar(entries.Select(e => (e.Key, e.Value)).ToArray());
        var random = new System.Random(2);

        for (var length = 0; length < artifact.Length; length += Math.Max(1, artifact.Length / 300))
        {
            var truncated = artifact.AsSpan(0, length).ToArray();
            await RefusedOrSearchableAsync($"the archive cut at {length} of {artifact.Length} bytes", () => PredictAsync(truncated));
        }
        for (var trial = 0; trial < 600; trial++)
        {
            // Flips in the compressed stream exercise gzip; flips in the tar before compressing reach the tar headers and the files.
            var flipTar = trial % 2 == 0;
            var corrupted = (flipTar ? tar : artifact).ToArray();
            var position = random.Next(corrupted.Length);
            corrupted[position] = (byte)random.Next(256);
            var bytes = flipTar ? ArtifactBuilder.Gzip(corrupted) : corrupted;
            await RefusedOrSearchableAsync($"{(flipTar ? "tar" : "gzip")} byte {position} = {corrupted[position]}", () => PredictAsync(bytes));
        }
    }

    /// <summary>A corrupted transform can turn queries into infinities; an IVF search must still name real lists.</summary>
    [Theory]
    [InlineData(IndexType.IvfFlat, float.NaN)]
    [InlineData(IndexType.IvfPq, float.PositiveInfinity)]
    [InlineData(IndexType.IvfPq, 1e30f)]
    public void QueriesWhoseDistancesDoNotCompare_StillProbeRealLists(IndexType type, float value)
    {
        var model = ArtifactBuilder.Train(type, count: 300);
        var queries = Enumerable.Repeat(value, 2 * model.FeatureDimension).ToArray();

        var (predictions, _, _) = ArtifactBuilder.Predict(model, queries);

        Assert.Equal(2, predictions.Length);
    }

    /// <summary>1 when <paramref name="load"/> throws <see cref="InvalidDataException"/>, 0 when it succeeds; any other exception fails the test.</summary>
    private static async Task<int> RefusedOrSearchableAsync(string corruption, Func<Task> load)
    {
        try
        {
            await load();
            return 0;
        }
        catch (InvalidDataException)
        {
            return 1;
        }
        catch (Exception e)
        {
            Assert.Fail($"With {corruption}: {e}");
            return 0;
        }
    }

    private static async Task PredictAsync(byte[] artifact)
    {
        var model = await ArtifactBuilder.ReadAsync(artifact);
        ArtifactBuilder.Predict(model, FaissWriteTests.Gaussian(3, 2 * model.FeatureDimension));
    }

    private static async Task<byte[]> IndexBytesAsync(IndexType type, DimensionReductionType reduction)
    {
        var model = ArtifactBuilder.Train(type, reduction, count: 300);
        return (await ArtifactBuilder.EntriesAsync(await ArtifactBuilder.WriteAsync(model)))[ModelArtifact.IndexEntry];
    }

    private static Task<FaissIndexData> ReadIndexAsync(byte[] bytes) =>
        FaissIndexFormat.ReadAsync(new MemoryStream(bytes, writable: false), bytes.Length, ModelArtifact.IndexEntry, CancellationToken.None);
}
