using System.Buffers.Binary;
using System.IO.Compression;

namespace KnnCli.Engine.Tests.Reference;

/// <summary>Fashion-MNIST from Debian's dataset-fashion-mnist (IDX files, gzip): 60,000 × 784 train, 10,000 test.</summary>
internal sealed record FashionMnist(float[] TrainImages, float[] TrainLabels, float[] TestImages, float[] TestLabels)
{
    public const int Pixels = 784;

    public static FashionMnist Load()
    {
        var directory = SklearnReference.FashionMnistDirectory;
        Assert.True(Directory.Exists(directory),
            $"{directory} is missing: install the Debian package dataset-fashion-mnist (listed in .ci/apt-packages.txt).");
        return new FashionMnist(
            ReadIdx(Path.Combine(directory, "train-images-idx3-ubyte.gz")), ReadIdx(Path.Combine(directory, "train-labels-idx1-ubyte.gz")),
            ReadIdx(Path.Combine(directory, "t10k-images-idx3-ubyte.gz")), ReadIdx(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz")));
    }

    /// <summary>An unsigned-byte IDX file as floats: a big-endian header (magic, dimension sizes), then the bytes.</summary>
    private static float[] ReadIdx(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        Assert.True((magic >> 8) == 0x08, $"{path} is not an unsigned-byte IDX file.");
        var dimensions = magic & 0xff;
        var data = bytes[(4 + 4 * dimensions)..];
        var values = new float[data.Length];
        for (var i = 0; i < data.Length; i++) values[i] = data[i];
        return values;
    }
}
