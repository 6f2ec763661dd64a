using KnnCli.Engine.Index;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Engine.Tests.ModelFiles;

public sealed class ModelArtifactTests
{
    [Theory]
    [InlineData(IndexType.Flat, DimensionReductionType.None)]
    [InlineData(IndexType.Flat, DimensionReductionType.Fjlt)]
    [InlineData(IndexType.IvfFlat, DimensionReductionType.None)]
    [InlineData(IndexType.IvfPq, DimensionReductionType.None)]
    [InlineData(IndexType.IvfPq, DimensionReductionType.Sign)]
    public async Task AModelReadBack_PredictsAsTheModelWritten(IndexType type, DimensionReductionType reduction)
    {
        var model = ArtifactBuilder.Train(type, reduction);

        var read = await ArtifactBuilder.ReadAsync(await ArtifactBuilder.WriteAsync(model));

        Assert.Equal(model.Index.GetType(), read.Index.GetType());
        Assert.Equal((model.FeatureDimension, model.Index.Count, model.Metadata), (read.FeatureDimension, read.Index.Count, read.Metadata));
        Assert.Equal(model.Labels, read.Labels);
        var queries = FaissWriteTests.Gaussian(30, 25 * ArtifactBuilder.Dimension);
        ArtifactBuilder.AssertSamePredictions(model, read, queries);
    }

    [Fact]
    public async Task TheArtifactHoldsTheThreeFilesSageMakerShips()
    {
        var model = ArtifactBuilder.Train(IndexType.Flat, count: 50);

        var entries = await ArtifactBuilder.EntriesAsync(await ArtifactBuilder.WriteAsync(model));

        Assert.Equal([ModelArtifact.IndexEntry, ModelArtifact.LabelsEntry, ModelArtifact.MetadataEntry], entries.Keys);
        Assert.Equal(model.Labels, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(entries[ModelArtifact.LabelsEntry]).ToArray());
        var json = System.Text.Encoding.UTF8.GetString(entries[ModelArtifact.MetadataEntry]);
        foreach (var field in new[] { "\"k\": 5", "\"predictor_type\": \"classifier\"", "\"index_metric\": \"L2\"", "\"feature_dim\": 9", "\"version\": \"1.0\"" })
            Assert.Contains(field, json);
    }

    [Fact]
    public async Task RewritingTheMetadata_ChangesKAndKeepsEveryOtherByte()
    {
        var original = await ArtifactBuilder.WriteAsync(ArtifactBuilder.Train(IndexType.IvfFlat));
        using var rewritten = new MemoryStream();

        await ModelArtifact.RewriteMetadataAsync(new MemoryStream(original), rewritten, m => m with { K = 3, PredictorType = "regressor" }, CancellationToken.None);

        var before = await ArtifactBuilder.EntriesAsync(original);
        var after = await ArtifactBuilder.EntriesAsync(rewritten.ToArray());
        Assert.Equal(before.Keys, after.Keys);
        Assert.Equal(before[ModelArtifact.IndexEntry], after[ModelArtifact.IndexEntry]);
        Assert.Equal(before[ModelArtifact.LabelsEntry], after[ModelArtifact.LabelsEntry]);
        var model = await ArtifactBuilder.ReadAsync(rewritten.ToArray());
        Assert.Equal((3, PredictorType.Regressor), (model.Metadata.K, model.Metadata.Predictor));
    }

    [Fact]
    public async Task AnArtifactWithoutTheIndex_SaysWhatItHolds()
    {
        var artifact = ArtifactBuilder.Archive(("model_algo-1.labels", new byte[8]), ("model.params", new byte[3]));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ArtifactBuilder.ReadAsync(artifact));

        Assert.Equal("The model artifact has no model_algo-1 (found: model_algo-1.labels, model.params).", error.Message);
    }

    [Fact]
    public async Task EntriesUnderADirectory_AreFound()
    {
        var entries = await ArtifactBuilder.EntriesAsync(await ArtifactBuilder.WriteAsync(ArtifactBuilder.Train(IndexType.Flat, count: 40)));
        var artifact = ArtifactBuilder.Archive(entries.Select(e => ("./" + e.Key, e.Value)).ToArray());

        var model = await ArtifactBuilder.ReadAsync(artifact);

        Assert.Equal(40, model.Index.Count);
    }

    [Fact]
    public async Task MetadataAskingForAReductionTheIndexLacks_IsRefused()
    {
        var entries = await ArtifactBuilder.EntriesAsync(await ArtifactBuilder.WriteAsync(ArtifactBuilder.Train(IndexType.Flat, count: 40)));
        var metadata = ArtifactBuilder.Utf8("""{"k": 5, "predictor_type": "classifier", "dimension_reduction": {"type": "sign", "seed": 3, "target_dim": 4, "input_dim": 9}, "normalize": false, "version": "1.0"}""");
        var artifact = ArtifactBuilder.Archive((ModelArtifact.IndexEntry, entries[ModelArtifact.IndexEntry]), (ModelArtifact.LabelsEntry, entries[ModelArtifact.LabelsEntry]), (ModelArtifact.MetadataEntry, metadata));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ArtifactBuilder.ReadAsync(artifact));

        Assert.Contains("asks for sign dimension reduction (9 → 4, seed 3) but model_algo-1 holds a plain IndexFlatL2 without the transform", error.Message);
    }

    [Theory]
    [InlineData("""{"k": 0, "predictor_type": "classifier"}""", "model_algo-1.json: k is 0, expected a positive integer.")]
    [InlineData("""{"k": 2, "predictor_type": "ranker"}""", "unknown predictor_type 'ranker'")]
    [InlineData("""{"k": 2, "predictor_type": "classifier", "feature_dim": 4}""", "feature_dim is 4 but the index takes 9-dimensional vectors")]
    [InlineData("""{"k": 2, "predictor_type": "classifier", "normalize": False}""", "model_algo-1.json is not valid metadata JSON")]
    [InlineData("""{"predictor_type": "classifier"}""", "model_algo-1.json is not valid metadata JSON")]
    public async Task BadMetadata_IsRefusedWithItsReason(string json, string message)
    {
        var entries = await ArtifactBuilder.EntriesAsync(await ArtifactBuilder.WriteAsync(ArtifactBuilder.Train(IndexType.Flat, count: 40)));
        var artifact = ArtifactBuilder.Archive((ModelArtifact.IndexEntry, entries[ModelArtifact.IndexEntry]), (ModelArtifact.LabelsEntry, entries[ModelArtifact.LabelsEntry]), (ModelArtifact.MetadataEntry, ArtifactBuilder.Utf8(json)));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ArtifactBuilder.ReadAsync(artifact));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task LabelsThatDoNotMatchTheIndex_AreRefused()
    {
        var entries = await ArtifactBuilder.EntriesAsync(await ArtifactBuilder.WriteAsync(ArtifactBuilder.Train(IndexType.Flat, count: 40)));
        var artifact = ArtifactBuilder.Archive((ModelArtifact.IndexEntry, entries[ModelArtifact.IndexEntry]), (ModelArtifact.LabelsEntry, new byte[39 * 4]), (ModelArtifact.MetadataEntry, entries[ModelArtifact.MetadataEntry]));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ArtifactBuilder.ReadAsync(artifact));

        Assert.Equal("model_algo-1.labels holds 39 labels but the index holds 40 vectors.", error.Message);
    }

    [Fact]
    public async Task ALengthBeyondTheFile_IsRefusedBeforeAnythingIsAllocated()
    {
        var index = new FaissFlatData(4, IndexMetric.L2, new float[8]);
        using var stream = new MemoryStream();
        await FaissIndexFormat.WriteAsync(stream, index, CancellationToken.None);
        var bytes = stream.ToArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(8), (long)int.MaxValue); // ntotal, after the fourcc and d
        BitConverter.TryWriteBytes(bytes.AsSpan(37), (long)int.MaxValue * 4); // the float count after the 37-byte header: 32 GiB

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => FaissIndexFormat.ReadAsync(new MemoryStream(bytes), bytes.Length, "model_algo-1", CancellationToken.None));

        Assert.Equal("model_algo-1: the flat index's vectors claims 8589934588 elements of 4 bytes but only 32 bytes remain (the file is truncated or corrupted).", error.Message);

    }

    [Fact]
    public async Task IndexesNestedInsideTheQuantizer_AreRefusedAtTheFirstLevel()
    {
        var ivf = new FaissIvfFlatData(2, IndexMetric.L2, 1, new float[2], [[0]], [new float[2]]);
        using var stream = new MemoryStream();
        await FaissIndexFormat.WriteAsync(stream, ivf, CancellationToken.None);
        var single = stream.ToArray();
        const int quantizerOffset = 37 + 16; // the IVF header, nlist and nprobe
        // 100,000 IVF headers, each naming the next as its quantizer: a reader that recursed would overflow its stack.
        var nested = Enumerable.Repeat(single[..quantizerOffset], 100_000).SelectMany(b => b).Concat(single).ToArray();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => FaissIndexFormat.ReadAsync(new MemoryStream(nested), nested.Length, "model_algo-1", CancellationToken.None));

        Assert.Equal("model_algo-1: the IVF coarse quantizer holds an IVF index ('IwFl'); knn reads a flat quantizer (IndexFlatL2 or IndexFlatIP).", error.Message);
    }

    [Fact]
    public async Task TheExtractedFiles_ReadAsTheArchive()
    {
        var model = ArtifactBuilder.Train(IndexType.IvfPq);
        var entries = await ArtifactBuilder.EntriesAsync(await ArtifactBuilder.WriteAsync(model));

        var content = await ModelArtifact.ReadFilesAsync(
            new MemoryStream(entries[ModelArtifact.IndexEntry]), entries[ModelArtifact.IndexEntry].Length,
            new MemoryStream(entries[ModelArtifact.LabelsEntry]), entries[ModelArtifact.LabelsEntry].Length,
            new MemoryStream(entries[ModelArtifact.MetadataEntry]), entries[ModelArtifact.MetadataEntry].Length, CancellationToken.None);
        var read = FaissEngineMapping.ToModel(content);

        var queries = FaissWriteTests.Gaussian(31, 5 * ArtifactBuilder.Dimension);
        ArtifactBuilder.AssertSamePredictions(model, read, queries);
    }
}
