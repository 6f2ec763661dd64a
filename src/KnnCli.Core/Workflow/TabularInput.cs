using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.State;

namespace KnnCli.Core.Workflow;

/// <summary>
/// The file predict and transform read: knn's numeric CSV as it is, or a CSV with a header rewritten into it
/// (<see cref="HeaderedCsv"/>) in a temporary folder that goes when this is disposed. The rewrite keeps the file's
/// name, so what is uploaded and named after it is the same.
/// </summary>
public sealed class TabularInput : IDisposable
{
    private readonly string? _folder;

    private TabularInput(string path, string? folder, int? labelColumns)
    {
        Path = path;
        _folder = folder;
        LabelColumns = labelColumns;
    }

    /// <summary>What to read: the file itself, or its rewrite.</summary>
    public string Path { get; }

    /// <summary>For a rewrite, 1 when it holds a label column first, else 0; null for a file read as it is.</summary>
    public int? LabelColumns { get; }

    /// <param name="header">--header: the first row names the columns (detected when not given).</param>
    /// <param name="label">--label NAME: the label column of a headered file.</param>
    /// <param name="features">The model's feature count when known.</param>
    public static async Task<TabularInput> OpenAsync(WorkflowContext context, string file, bool header, string? label, KnnState state, int? features, CancellationToken cancellationToken)
    {
        if (!header && !await HeaderedCsv.HasHeaderAsync(file, cancellationToken))
        {
            return label is null ? new TabularInput(file, null, null)
                : throw new InputException($"--label {ErrorText.Excerpt(label)}: {file} has no header row to name it; pass --header if its first row names the columns.");
        }
        var folder = Directory.CreateTempSubdirectory("knn-input-").FullName;
        try
        {
            var rewrite = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(file));
            var converted = await HeaderedCsv.ConvertAsync(file, rewrite, new HeaderedCsvColumns
            {
                Label = label,
                Features = state.FeatureColumns,
                LabelMap = await LabelMap.LoadAsync(state.LabelMapFile, cancellationToken),
                ExpectedFeatures = features,
            }, cancellationToken);
            context.Log.Info($"Read {converted.Rows:N0} rows of {file} by its header: "
                + (converted.LabelColumn is { } name ? $"label {name}, " : "no label column, ")
                + $"features {string.Join(", ", converted.FeatureColumns)}");
            return new TabularInput(rewrite, folder, converted.LabelColumns);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        if (_folder is not null && Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
