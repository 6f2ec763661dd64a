using System.Buffers.Binary;
using KnnCli.Engine.Index;

namespace KnnCli.Engine.ModelFiles;

/// <summary>
/// Reads and writes model_algo-1 in faiss's own index serialization (faiss/impl/index_write.cpp), little-endian:
/// a fourcc, the index header, then the index's own fields.
/// </summary>
public static class FaissIndexFormat
{
    private const int MetricInnerProduct = 0;
    private const int MetricL2 = 1;

    public static void Write(Stream stream, IKnnIndex index)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        switch (index)
        {
            case FlatIndex flat:
                writer.Write(FourCC(flat.Metric == IndexMetric.InnerProduct ? "IxFI" : "IxF2"));
                WriteHeader(writer, flat);
                writer.Write((ulong)flat.Vectors.Length);
                writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(flat.Vectors));
                break;
            default:
                throw new NotSupportedException($"Cannot write an index of type {index.GetType().Name}.");
        }
    }

    public static IKnnIndex Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        var code = ReadFourCC(reader);
        switch (code)
        {
            case "IxF2":
            case "IxFI":
                var (dimension, count, metric) = ReadHeader(reader);
                var floats = reader.ReadUInt64();
                if (floats != (ulong)count * (ulong)dimension)
                    throw new InvalidDataException($"model_algo-1: a flat index of {count} × {dimension} holds {floats} floats.");
                var vectors = new float[checked((int)floats)];
                reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors.AsSpan()));
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian machines are not supported.");
                return new FlatIndex(dimension, metric, vectors);
            default:
                throw new InvalidDataException($"model_algo-1: unsupported faiss index type '{code}'.");
        }
    }

    private static void WriteHeader(BinaryWriter writer, IKnnIndex index)
    {
        writer.Write(index.Dimension);
        writer.Write((long)index.Count);
        writer.Write(1L << 20); // two unused fields faiss keeps for compatibility
        writer.Write(1L << 20);
        writer.Write((byte)1); // is_trained
        writer.Write(index.Metric == IndexMetric.InnerProduct ? MetricInnerProduct : MetricL2);
    }

    private static (int Dimension, int Count, IndexMetric Metric) ReadHeader(BinaryReader reader)
    {
        var dimension = reader.ReadInt32();
        var count = reader.ReadInt64();
        reader.ReadInt64();
        reader.ReadInt64();
        reader.ReadByte();
        var metric = reader.ReadInt32() switch
        {
            MetricInnerProduct => IndexMetric.InnerProduct,
            MetricL2 => IndexMetric.L2,
            var other => throw new InvalidDataException($"model_algo-1: unsupported faiss metric type {other}."),
        };
        if (dimension < 1 || count < 0 || count > int.MaxValue)
            throw new InvalidDataException($"model_algo-1: invalid index header (d={dimension}, ntotal={count}).");
        return (dimension, (int)count, metric);
    }

    private static uint FourCC(string code) => BinaryPrimitives.ReadUInt32LittleEndian(System.Text.Encoding.ASCII.GetBytes(code));

    private static string ReadFourCC(BinaryReader reader) => System.Text.Encoding.ASCII.GetString(reader.ReadBytes(4));
}
