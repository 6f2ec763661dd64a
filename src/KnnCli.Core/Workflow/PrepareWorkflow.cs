using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record PrepareOptions
{
    /// <summary>A path or http(s) URL; null for the bundled Iris sample.</summary>
    public string? Input { get; init; }
    public string? Label { get; init; }
    public double TestFraction { get; init; } = 0.25;
    /// <summary>NumPy accepts seeds 0 to 2^32-1.</summary>
    public long Seed { get; init; }
    /// <summary>Where the prepared files go; null for .knn/data.</summary>
    public string? OutDirectory { get; init; }
}

public sealed record PrepareResult(
    [property: JsonPropertyName("train_file")] string TrainFile,
    [property: JsonPropertyName("test_file")] string TestFile,
    [property: JsonPropertyName("label_map_file")] string? LabelMapFile,
    [property: JsonPropertyName("train_rows")] int TrainRows,
    [property: JsonPropertyName("test_rows")] int TestRows,
    [property: JsonPropertyName("label_column")] string LabelColumn,
    [property: JsonPropertyName("feature_columns")] IReadOnlyList<string> FeatureColumns,
    [property: JsonPropertyName("classes")] IReadOnlyList<string>? Classes,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("test_fraction")] double TestFraction,
    [property: JsonPropertyName("first_test_row_indexes")] IReadOnlyList<int> FirstTestRowIndexes,
    [property: JsonPropertyName("class_counts")] IReadOnlyList<ClassCount>? ClassCounts);

/// <summary>How many rows of a class each split holds (a stratification check at a glance).</summary>
public sealed record ClassCount(
    [property: JsonPropertyName("class")] string Class,
    [property: JsonPropertyName("train")] int Train,
    [property: JsonPropertyName("test")] int Test);

/// <summary>
/// prepare: load a CSV, put the label first, map classes to integers, split like scikit-learn's
/// train_test_split, and write header-less train/test CSVs and the label map. Validates everything before writing.
/// </summary>
public sealed class PrepareWorkflow(WorkflowContext context, HttpClient? http = null)
{
    /// <summary>Inputs larger than this are refused (prepare holds the data set in memory).</summary>
    public const long MaxInputBytes = 2L << 30;

    public async Task<PrepareResult> RunAsync(PrepareOptions options, CancellationToken cancellationToken)
    {
        if (options.TestFraction is <= 0 or >= 1)
            throw new InputException($"--test-fraction must be between 0 and 1 (exclusive), got {options.TestFraction.ToString(CultureInfo.InvariantCulture)}.");
        if (options.Seed is < 0 or > uint.MaxValue) throw new InputException($"--seed must be an integer from 0 to {uint.MaxValue}, got {options.Seed}.");

        var (displayName, stem) = Describe(options.Input);
        context.Log.Info($"Reading {displayName}");
        using var progress = context.Log.Progress($"prepare {stem}", 0, ProgressUnit.Rows);
        var dataset = DatasetPreprocessor.Load(await OpenAsync(options.Input, displayName, cancellationToken), displayName, options.Label, progress, cancellationToken);
        progress.Describe("splitting and writing");

        if (!TrainTestSplit.CanSplit(dataset.RowCount, options.TestFraction))
            throw DataErrors.InFile(displayName,
                $"{dataset.RowCount} data row(s) cannot be split into non-empty train and test sets with --test-fraction {options.TestFraction.ToString(CultureInfo.InvariantCulture)}; add rows or change --test-fraction");
        var (train, test) = TrainTestSplit.Split(dataset.RowCount, options.TestFraction, (uint)options.Seed);
        var outDirectory = Path.GetFullPath(options.OutDirectory ?? Path.Combine(context.Settings.StateDirectory, "data"));
        var trainFile = Path.Combine(outDirectory, $"{stem}_train.csv");
        var testFile = Path.Combine(outDirectory, $"{stem}_test.csv");
        var mapFile = dataset.LabelMap is null ? null : Path.Combine(outDirectory, $"{stem}_labels.json");

        if (context.Settings.DryRun)
        {
            // Everything is read and checked as for real; only the writing is left out.
            context.Log.Info($"would write {trainFile} ({train.Length} rows), {testFile} ({test.Length} rows){(mapFile is null ? "" : $" and {mapFile}")}, and record them in the state");
            return Result();
        }
        await AtomicFile.WriteAsync(trainFile, (stream, ct) => dataset.WriteCsvAsync(stream, train, ct), cancellationToken);
        await AtomicFile.WriteAsync(testFile, (stream, ct) => dataset.WriteCsvAsync(stream, test, ct), cancellationToken);
        if (mapFile is not null)
            await AtomicFile.WriteAllBytesAsync(mapFile, JsonSerializer.SerializeToUtf8Bytes(dataset.LabelMap!, CoreJsonContext.Default.LabelMap), cancellationToken);

        await context.State.UpdateAsync(s => s with
        {
            TrainFile = trainFile,
            TestFile = testFile,
            LabelMapFile = mapFile,
            FeatureColumns = dataset.FeatureColumns,
            PredictorType = dataset.LabelMap is null ? s.PredictorType : "classifier",
        }, cancellationToken);

        return Result();

        // The split in summary: which rows were drawn is reproducible from the seed; listing all of them would grow with the file.
        PrepareResult Result() => new(trainFile, testFile, mapFile, train.Length, test.Length, dataset.LabelColumn,
            dataset.FeatureColumns, dataset.LabelMap?.Classes, options.Seed, options.TestFraction, test.Take(10).ToArray(), ClassCounts(dataset, train, test));
    }

    private static ClassCount[]? ClassCounts(PreparedDataset dataset, int[] train, int[] test)
    {
        if (dataset.LabelMap is not { } map) return null;
        int[] Count(int[] rows)
        {
            var counts = new int[map.Classes.Count];
            foreach (var row in rows) counts[dataset.ClassOf(row)]++;
            return counts;
        }
        var (inTrain, inTest) = (Count(train), Count(test));
        return map.Classes.Select((name, i) => new ClassCount(name, inTrain[i], inTest[i])).ToArray();
    }

    private static (string DisplayName, string Stem) Describe(string? input)
    {
        if (input is null) return ("the bundled Iris sample", "iris");
        var name = IsUrl(input) ? new Uri(input).Segments[^1] : Path.GetFileName(input);
        var stem = Path.GetFileNameWithoutExtension(name);
        return (input, string.IsNullOrEmpty(stem) ? "data" : stem);
    }

    private async Task<Stream> OpenAsync(string? input, string displayName, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            var resource = typeof(PrepareWorkflow).Assembly.GetManifestResourceStream("iris.csv")
                ?? throw new InvalidOperationException("The bundled Iris sample is missing from the build.");
            return resource;
        }
        if (IsUrl(input)) return await DownloadAsync(new Uri(input), cancellationToken);
        if (!File.Exists(input)) throw new InputException($"{input}: no such file.");
        var info = new FileInfo(input);
        if (info.Length > MaxInputBytes) throw DataErrors.InFile(displayName, $"the file is {info.Length:N0} bytes; prepare accepts at most {MaxInputBytes:N0}");
        return new Utf8CheckedStream(File.OpenRead(input), displayName);
    }

    private async Task<Stream> DownloadAsync(Uri url, CancellationToken cancellationToken)
    {
        var client = http ?? SharedHttp.Value;
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new InputException($"{url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            if (response.Content.Headers.ContentLength > MaxInputBytes)
                throw new InputException($"{url}: the file is larger than {MaxInputBytes:N0} bytes.");
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxInputBytes) throw new InputException($"{url}: the file is larger than {MaxInputBytes:N0} bytes.");
                buffer.Write(chunk, 0, read);
            }
            buffer.Position = 0;
            return new Utf8CheckedStream(buffer, url.ToString());
        }
        catch (HttpRequestException e)
        {
            throw new InputException($"{url}: download failed ({e.Message}).", e);
        }
    }

    private static bool IsUrl(string input) =>
        input.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(5) });
}
