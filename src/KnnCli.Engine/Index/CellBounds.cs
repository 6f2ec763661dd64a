using KnnCli.Engine.Kernels;

namespace KnnCli.Engine.Index;

/// <summary>
/// What <see cref="PrunedFlatSearch"/> knows of each cell, enough to prove that a vector cannot score at or below a
/// query's current k-th best: the centroid's squared norm, the largest squared norm in the cell, how far each
/// vector lies from its centroid, and the distances between centroids. Every bound allows for the float32
/// rounding of the kernel's scores and of the coarse distances, so a skipped vector's computed score is certainly
/// above the threshold and pruned results equal the full scan's bit for bit.
/// </summary>
internal sealed class CellBounds
{
    private readonly int _cellCount;
    private readonly double[] _centroidNorms;
    private readonly double[] _maxNorms;
    private readonly double[] _assignmentSlack;
    private readonly double[] _centroidDistances;

    /// <param name="maxNorms">Per cell, the largest ‖y‖² of its vectors (0 for an empty cell).</param>
    public CellBounds(int dimension, ReadOnlySpan<float> centroids, double[] maxNorms)
    {
        var d = dimension;
        var cells = _cellCount = maxNorms.Length;
        _maxNorms = maxNorms;
        _centroidNorms = new double[cells];
        for (var c = 0; c < cells; c++) _centroidNorms[c] = VectorMath.SquaredDistanceInDouble(centroids.Slice(c * d, d), default);
        var maxCentroidNorm = _centroidNorms.Max();
        // A vector sits in the cell whose computed coarse score was lowest; in exact arithmetic it may be nearer
        // another centroid by up to both scores' rounding: ‖y − c‖² ≤ ‖y − a‖² + slack for every other centroid a.
        _assignmentSlack = new double[cells];
        for (var c = 0; c < cells; c++)
            _assignmentSlack[c] = 2 * RoundingOf(d) * (2 * _maxNorms[c] + _centroidNorms[c] + maxCentroidNorm);
        _centroidDistances = new double[cells * cells];
        for (var a = 0; a < cells; a++)
            for (var c = a + 1; c < cells; c++)
                _centroidDistances[a * cells + c] = _centroidDistances[c * cells + a] =
                    UpperBound(Math.Sqrt(VectorMath.SquaredDistanceInDouble(centroids.Slice(a * d, d), centroids.Slice(c * d, d))));
        Gamma = RoundingOf(d);
    }

    /// <summary>
    /// Relative rounding of a float32 d-term dot product or squared norm (about d·u with u = 2⁻²⁴), doubled and
    /// padded so the few extra roundings around it (FMA into the score, adding the query norm) are covered too.
    /// </summary>
    public double Gamma { get; }

    private static double RoundingOf(int dimension) => (dimension + 8) * Math.ScaleB(1.0, -23);

    public double CentroidNorm(int cell) => _centroidNorms[cell];

    public double MaxNorm(int cell) => _maxNorms[cell];

    public double AssignmentSlack(int cell) => _assignmentSlack[cell];

    public double CentroidDistance(int a, int c) => _centroidDistances[a * _cellCount + c];

    /// <summary>Doubles over float inputs round far below float32's scale; this factor keeps a computed distance an upper bound.</summary>
    public static double UpperBound(double distance) => distance * (1 + 1e-12);
}

/// <summary>
/// One query's test of which vectors of a cell can enter its heap, given the query's squared norm, its nearest
/// cell with the coarse distance to it, and the heap's current admission score (kernel domain, ‖y‖² − 2x·y).
/// Any NaN or infinity makes the comparisons false, so such a query scans everything.
/// </summary>
internal readonly struct QueryBound(CellBounds cells, double queryNorm, int nearestCell, double nearestDistance, float threshold)
{
    /// <summary>
    /// How many of the cell's vectors, ordered farthest from the centroid first (<paramref name="radii"/>, upper
    /// bounds, descending), can score at or below the threshold: 0 when the whole cell is ruled out.
    /// </summary>
    public int RowsToScan(int cell, float coarseDistance, ReadOnlySpan<double> radii)
    {
        if (!(threshold < float.PositiveInfinity) || !float.IsFinite(coarseDistance)) return radii.Length;
        var gamma = cells.Gamma;
        // A vector enters only if its kernel score, at least ‖x − y‖² − ‖x‖² less its rounding, is ≤ threshold:
        // that is, only if it lies within `reach` of the query.
        var reach = Math.Sqrt(Math.Max(0, threshold + queryNorm + 3 * gamma * (queryNorm + cells.MaxNorm(cell))));
        var nearestError = CoarseError(nearestCell);
        var cellError = CoarseError(cell);
        // Bisecting plane: every vector of the cell is (up to the slack) nearer its centroid c than the query's
        // nearest centroid a, so it lies beyond the plane between them, at least (‖x−c‖² − ‖x−a‖²) / 2‖a−c‖ from x.
        var separation = cells.CentroidDistance(nearestCell, cell);
        if (separation > 0 && (coarseDistance - nearestDistance - nearestError - cellError - cells.AssignmentSlack(cell)) / (2 * separation) > reach)
            return 0;
        // Triangle inequality: ‖x − y‖ ≥ ‖x − c‖ − ‖y − c‖, so only vectors at least ‖x − c‖ − reach from c can enter.
        var nearestRadius = Math.Sqrt(Math.Max(0, coarseDistance - cellError)) - reach;
        if (!(nearestRadius > 0)) return radii.Length;
        var (low, high) = (0, radii.Length);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (radii[middle] >= nearestRadius) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    /// <summary>Rounding of a computed coarse distance ‖x − c‖² (float32 score plus the query norm).</summary>
    private double CoarseError(int cell) => 2 * cells.Gamma * (queryNorm + cells.CentroidNorm(cell));
}
