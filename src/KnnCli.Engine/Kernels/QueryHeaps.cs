namespace KnnCli.Engine.Kernels;

/// <summary>
/// One bounded max-heap per query, kept in the caller's result rows (k scores and k ids per query), so a search
/// selects its top k in place without allocating. Scores are "smaller is better" (callers negate inner products);
/// on equal scores the smaller id ranks first, so results are deterministic.
/// </summary>
internal readonly unsafe struct QueryHeaps
{
    private readonly float* _scores;
    private readonly int* _ids;
    private readonly int* _sizes;

    /// <param name="scores">k floats per query.</param>
    /// <param name="ids">k ints per query.</param>
    /// <param name="sizes">One counter per query, zeroed by the caller.</param>
    public QueryHeaps(float* scores, int* ids, int* sizes, int k)
    {
        _scores = scores;
        _ids = ids;
        _sizes = sizes;
        K = k;
    }

    public int K { get; }

    /// <summary>The same heaps seen from query <paramref name="first"/> on, so that query is heap 0.</summary>
    public QueryHeaps Offset(int first) => new(_scores + (long)first * K, _ids + (long)first * K, _sizes + first, K);

    /// <summary>The score a candidate must beat to enter query <paramref name="query"/>'s heap (infinity until full).</summary>
    public float Threshold(int query) => _sizes[query] < K ? float.PositiveInfinity : _scores[(long)query * K];

    public void Push(int query, float score, int id)
    {
        var scores = _scores + (long)query * K;
        var ids = _ids + (long)query * K;
        ref var size = ref _sizes[query];
        if (size < K)
        {
            var i = size++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (!Worse(score, id, scores[parent], ids[parent])) break;
                scores[i] = scores[parent];
                ids[i] = ids[parent];
                i = parent;
            }
            scores[i] = score;
            ids[i] = id;
        }
        else if (Worse(scores[0], ids[0], score, id))
        {
            SiftDown(scores, ids, K, score, id);
        }
    }

    /// <summary>
    /// Sorts query <paramref name="query"/>'s results best first, maps each kept score through
    /// <paramref name="finish"/> (for example adding the query norm back), and pads missing results with id -1.
    /// </summary>
    public void SortAndPad<TFinish>(int query, TFinish finish) where TFinish : struct, IScoreFinisher
    {
        var scores = _scores + (long)query * K;
        var ids = _ids + (long)query * K;
        var n = _sizes[query];
        // Heap sort in place: move the worst to the end, shrink the heap, repeat.
        for (var end = n - 1; end > 0; end--)
        {
            var score = scores[end];
            var id = ids[end];
            scores[end] = scores[0];
            ids[end] = ids[0];
            SiftDown(scores, ids, end, score, id);
        }
        for (var i = 0; i < n; i++) scores[i] = finish.Finish(scores[i]);
        for (var i = n; i < K; i++)
        {
            scores[i] = finish.Missing;
            ids[i] = -1;
        }
    }

    /// <summary>True when (s1, id1) ranks after (s2, id2).</summary>
    private static bool Worse(float s1, int id1, float s2, int id2) => s1 > s2 || (s1 == s2 && id1 > id2);

    /// <summary>Puts (score, id) at the root of a heap of <paramref name="count"/> entries and restores the heap order.</summary>
    private static void SiftDown(float* scores, int* ids, int count, float score, int id)
    {
        var i = 0;
        while (true)
        {
            var worst = 2 * i + 1;
            if (worst >= count) break;
            var right = worst + 1;
            if (right < count && Worse(scores[right], ids[right], scores[worst], ids[worst])) worst = right;
            if (!Worse(scores[worst], ids[worst], score, id)) break;
            scores[i] = scores[worst];
            ids[i] = ids[worst];
            i = worst;
        }
        scores[i] = score;
        ids[i] = id;
    }
}

/// <summary>Turns a heap's internal "smaller is better" score into the distance an index reports.</summary>
internal interface IScoreFinisher
{
    float Finish(float score);

    /// <summary>The distance reported for a missing result.</summary>
    float Missing { get; }
}

/// <summary>Kernel score ‖y‖² − 2x·y plus ‖x‖², clamped at zero against rounding (as faiss does).</summary>
internal readonly struct L2Finisher(float queryNorm) : IScoreFinisher
{
    public float Finish(float score) => Math.Max(0f, score + queryNorm);

    public float Missing => float.PositiveInfinity;
}

/// <summary>Kernel score −x·y back to the inner product.</summary>
internal readonly struct InnerProductFinisher : IScoreFinisher
{
    public float Finish(float score) => -score;

    public float Missing => float.NegativeInfinity;
}
