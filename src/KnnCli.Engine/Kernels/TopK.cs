namespace KnnCli.Engine.Kernels;

/// <summary>
/// Keeps the k smallest (score, id) pairs seen, as a bounded max-heap; ties keep the smaller id, so results are
/// deterministic. Scores are "smaller is better": callers negate inner products.
/// </summary>
internal ref struct TopK
{
    private readonly Span<float> _scores;
    private readonly Span<int> _ids;
    private int _count;

    public TopK(Span<float> scores, Span<int> ids)
    {
        _scores = scores;
        _ids = ids;
        _count = 0;
    }

    /// <summary>The score a candidate must beat to enter (infinity until the heap is full).</summary>
    public readonly float Threshold => _count < _scores.Length ? float.PositiveInfinity : _scores[0];

    public void Push(float score, int id)
    {
        if (_count < _scores.Length)
        {
            var i = _count++;
            _scores[i] = score;
            _ids[i] = id;
            SiftUp(i);
        }
        else if (Worse(_scores[0], _ids[0], score, id))
        {
            _scores[0] = score;
            _ids[0] = id;
            SiftDown(0);
        }
    }

    /// <summary>Sorts the kept pairs best first and pads the rest with id -1; returns how many were kept.</summary>
    public int SortAndPad()
    {
        var n = _count;
        // Heap sort in place: repeatedly move the worst to the end.
        for (var end = n - 1; end > 0; end--)
        {
            (_scores[0], _scores[end]) = (_scores[end], _scores[0]);
            (_ids[0], _ids[end]) = (_ids[end], _ids[0]);
            _count = end;
            SiftDown(0);
        }
        _count = n;
        for (var i = n; i < _scores.Length; i++)
        {
            _scores[i] = float.PositiveInfinity;
            _ids[i] = -1;
        }
        return n;
    }

    /// <summary>True when (s1, id1) ranks after (s2, id2).</summary>
    private static bool Worse(float s1, int id1, float s2, int id2) => s1 > s2 || (s1 == s2 && id1 > id2);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Worse(_scores[i], _ids[i], _scores[parent], _ids[parent])) break;
            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = 2 * i + 1;
            if (left >= _count) break;
            var worst = left;
            var right = left + 1;
            if (right < _count && Worse(_scores[right], _ids[right], _scores[left], _ids[left])) worst = right;
            if (!Worse(_scores[worst], _ids[worst], _scores[i], _ids[i])) break;
            Swap(i, worst);
            i = worst;
        }
    }

    private readonly void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_ids[a], _ids[b]) = (_ids[b], _ids[a]);
    }
}
