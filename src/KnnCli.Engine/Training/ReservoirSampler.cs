using KnnCli.Engine.Random;

namespace KnnCli.Engine.Training;

/// <summary>
/// Keeps a uniform sample of at most <c>sample_size</c> labelled rows from a stream of any length (Algorithm R),
/// seeded so a run can be reproduced. While fewer rows than the sample size have arrived, it keeps all of them
/// in arrival order, so a data set smaller than sample_size is indexed whole and in file order.
/// </summary>
public sealed class ReservoirSampler
{
    private readonly int _dimension;
    private readonly int _capacity;
    private readonly NumpyRandomState _random;
    private float[] _vectors;
    private float[] _labels;

    public ReservoirSampler(int dimension, int sampleSize, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleSize, 1);
        _dimension = dimension;
        _capacity = sampleSize;
        _random = new NumpyRandomState((uint)seed);
        var initial = Math.Min(sampleSize, 1024);
        _vectors = new float[initial * dimension];
        _labels = new float[initial];
    }

    /// <summary>Rows offered so far.</summary>
    public long Seen { get; private set; }

    /// <summary>Rows kept (at most the sample size).</summary>
    public int Count { get; private set; }

    public void Offer(ReadOnlySpan<float> features, float label)
    {
        if (features.Length != _dimension)
            throw new ArgumentException($"Expected {_dimension} features, got {features.Length}.", nameof(features));
        Seen++;
        int slot;
        if (Count < _capacity)
        {
            slot = Count++;
            EnsureCapacity(Count);
        }
        else
        {
            var j = (long)_random.NextInterval((ulong)(Seen - 1));
            if (j >= _capacity) return;
            slot = (int)j;
        }
        features.CopyTo(_vectors.AsSpan(slot * _dimension, _dimension));
        _labels[slot] = label;
    }

    /// <summary>The kept vectors (row-major) and labels, trimmed to <see cref="Count"/>.</summary>
    public (float[] Vectors, float[] Labels) ToArrays()
    {
        Array.Resize(ref _vectors, Count * _dimension);
        Array.Resize(ref _labels, Count);
        return (_vectors, _labels);
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= _labels.Length) return;
        var grown = (int)Math.Min(_capacity, Math.Max(rows, (long)_labels.Length * 2));
        Array.Resize(ref _vectors, grown * _dimension);
        Array.Resize(ref _labels, grown);
    }
}
