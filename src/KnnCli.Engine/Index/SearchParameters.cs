namespace KnnCli.Engine.Index;

/// <summary>
/// Settings of one search call (faiss SearchParameters / SearchParametersIVF). A field left null takes the
/// index's own default, so one index can be searched with different settings by concurrent callers.
/// </summary>
public sealed record SearchParameters
{
    /// <summary>Inverted lists an IVF index visits per query (capped at its list count); ignored by exact indexes.</summary>
    public int? Nprobe { get; init; }
}
