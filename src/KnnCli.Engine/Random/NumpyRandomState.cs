namespace KnnCli.Engine.Random;

/// <summary>
/// NumPy's legacy <c>RandomState</c> (MT19937 seeded by <c>init_genrand</c>), bit for bit, for the parts the
/// workflow needs: <c>permutation</c> (what scikit-learn's train_test_split shuffles with) and bounded integers.
/// </summary>
public sealed class NumpyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _state = new uint[N];
    private int _index;

    public NumpyRandomState(uint seed)
    {
        _state[0] = seed;
        for (var i = 1; i < N; i++)
            _state[i] = unchecked(1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i);
        _index = N;
    }

    /// <summary>The next raw 32-bit MT19937 output.</summary>
    public uint NextUInt32()
    {
        if (_index >= N) Twist();
        var y = _state[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A uniform integer in [0, max], by NumPy's masked rejection sampling (<c>random_interval</c>).</summary>
    public ulong NextInterval(ulong max)
    {
        if (max == 0) return 0;
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        ulong value;
        if (max <= 0xffffffffUL)
        {
            while ((value = NextUInt32() & mask) > max) { }
        }
        else
        {
            while ((value = (((ulong)NextUInt32() << 32) | NextUInt32()) & mask) > max) { }
        }
        return value;
    }

    /// <summary><c>RandomState(seed).permutation(n)</c>: a Fisher–Yates shuffle of 0..n-1 from the end.</summary>
    public int[] Permutation(int n)
    {
        var values = new int[n];
        for (var i = 0; i < n; i++) values[i] = i;
        Shuffle(values);
        return values;
    }

    /// <summary>NumPy's <c>shuffle</c> for a 1-d array.</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = (int)NextInterval((ulong)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private void Twist()
    {
        const uint upper = 0x80000000u, lower = 0x7fffffffu, matrixA = 0x9908b0dfu;
        for (var i = 0; i < N; i++)
        {
            var y = (_state[i] & upper) | (_state[(i + 1) % N] & lower);
            _state[i] = _state[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? matrixA : 0u);
        }
        _index = 0;
    }
}
