namespace KnnCli.Core.Settings;

/// <summary>
/// The options every verb takes, already resolved by precedence: option &gt; KNN_* / AWS_* environment &gt;
/// settings file &gt; state &gt; built-in default.
/// </summary>
public sealed record CommonSettings
{
    public string Target { get; init; } = "local";
    public string? Region { get; init; }
    public string? Profile { get; init; }
    public string? Bucket { get; init; }
    public string Prefix { get; init; } = "knn";
    public string? RoleArn { get; init; }
    public bool DryRun { get; init; }
    public bool AssumeYes { get; init; }
    public ProductionSettings Production { get; init; } = ProductionSettings.None;
    /// <summary>The folder that holds .knn/ (state, the local store, local endpoints).</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    public string StateDirectory => StateDirectoryOf(WorkingDirectory);

    /// <summary>Where knn keeps a folder's state: WORKING_DIRECTORY/.knn.</summary>
    public static string StateDirectoryOf(string workingDirectory) => Path.Combine(workingDirectory, ".knn");

    /// <summary>Where each setting's value came from, in the resolver's order (knn config prints them).</summary>
    public IReadOnlyList<SettingOrigin> Origins { get; init; } = [];
}
