using System.Globalization;
using System.Text.Json.Serialization;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record PredictOptions
{
    public string? EndpointName { get; init; }
    /// <summary>A CSV of rows; with one more column than the model has features, the first is the label.</summary>
    public string? Input { get; init; }
    /// <summary>Feature rows given inline ("5.1,3.5,1.4,0.2"); each entry may hold several rows separated by ';'.</summary>
    public IReadOnlyList<string> Rows { get; init; } = [];
    public string ContentType { get; init; } = InferencePayloads.Csv;
    public string Accept { get; init; } = InferencePayloads.Json;
    /// <summary>The input's first row names its columns (detected when not set).</summary>
    public bool Header { get; init; }
    /// <summary>The label column of a headered input (default: the prepared label column, when the header has it).</summary>
    public string? Label { get; init; }
    /// <summary>Ask for verbose responses (each neighbour's label and distance).</summary>
    public bool Neighbors { get; init; }
    public int BatchSize { get; init; } = 5000;
    public int Parallel { get; init; } = 4;
    /// <summary>The option (--plot) that draws the confusion matrix: without labelled rows for a classifier it is refused before any request.</summary>
    public string? ConfusionMatrixFor { get; init; }
}

public sealed record PredictedRow(
    [property: JsonPropertyName("features")] float[] Features,
    [property: JsonPropertyName("label")] double? Label,
    [property: JsonPropertyName("prediction")] double Prediction,
    [property: JsonPropertyName("neighbor_labels")] double[]? NeighborLabels,
    [property: JsonPropertyName("neighbor_distances")] double[]? NeighborDistances,
    [property: JsonPropertyName("label_class")] string? LabelClass = null,
    [property: JsonPropertyName("predicted_class")] string? PredictedClass = null);

public sealed record PredictResult(
    [property: JsonPropertyName("endpoint_name")] string EndpointName,
    [property: JsonPropertyName("rows")] IReadOnlyList<PredictedRow> Rows,
    [property: JsonPropertyName("predictor_type")] string PredictorType,
    [property: JsonIgnore] ClassificationReport? Classification,
    [property: JsonPropertyName("mse")] double? MeanSquaredError,
    [property: JsonIgnore] LabelMap? LabelMap,
    [property: JsonIgnore] IReadOnlyList<string>? FeatureColumns)
{
    [JsonPropertyName("accuracy")] public double? Accuracy => Classification?.Accuracy;
    [JsonPropertyName("macro_precision")] public double? MacroPrecision => Classification?.MacroPrecision;
    [JsonPropertyName("macro_recall")] public double? MacroRecall => Classification?.MacroRecall;
    [JsonPropertyName("macro_f1")] public double? MacroF1 => Classification?.MacroF1;
    /// <summary>The confusion matrix picture --plot drew.</summary>
    [JsonPropertyName("plot")] public string? Plot { get; init; }
}

/// <summary>
/// predict: send rows to the endpoint in batches under the payload limit, several requests at once, and read the
/// predictions; for labelled rows, score them (confusion matrix, accuracy, precision/recall/F1, or MSE).
/// </summary>
public sealed class PredictWorkflow(WorkflowContext context)
{
    /// <summary>SageMaker's real-time payload limit is 6 MB; batches stay under this.</summary>
    public const int MaxPayloadBytes = 5 * 1024 * 1024;

    /// <summary>Serverless endpoints take at most 4 MB per request; batches for them stay at or under this.</summary>
    public const int MaxServerlessPayloadBytes = 4_000_000;

    public async Task<PredictResult> RunAsync(PredictOptions options, CancellationToken cancellationToken)
    {
        Check(options);
        var state = await context.State.LoadAsync(cancellationToken);
        var endpoint = options.EndpointName ?? state.EndpointName
            ?? throw new InputException("No endpoint: run `knn deploy` first or pass --endpoint-name.");
        var predictorType = state.PredictorType ?? "classifier";
        if (options.ConfusionMatrixFor is { } plot && predictorType == "regressor")
            throw new InputException($"{plot} draws a confusion matrix, and a regressor has none (its score is the MSE): drop {plot}.");
        var featureCount = state.FeatureColumns?.Count;
        var labelMap = await LabelMap.LoadAsync(state.LabelMapFile, cancellationToken);
        // A classifier's labels are its label map's indexes; another label could never be predicted right.
        IReadOnlySet<float>? classes = labelMap is not null && predictorType == "classifier"
            ? Enumerable.Range(0, labelMap.Classes.Count).Select(i => (float)i).ToHashSet() : null;
        var (features, labels) = await LoadRowsAsync(options, state, featureCount, classes, cancellationToken);
        if (options.ConfusionMatrixFor is { } option && labels is null)
            throw new InputException($"{option} draws the confusion matrix of labelled rows: pass --input FILE with the label in the first column, or no --input for the prepared test file.");
        var accept = options.Neighbors ? $"{InferencePayloads.MediaType(options.Accept)}; verbose=true" : options.Accept;

        await using var target = context.CreateTarget();
        var described = await target.Hosting.DescribeEndpointAsync(endpoint, cancellationToken);
        var serverless = described?.Serverless == true;
        var queue = described?.Async is { } async ? await QueueFor(target, state, endpoint, async, cancellationToken) : null;
        var batches = Batches(features, options.BatchSize, options.ContentType, serverless ? MaxServerlessPayloadBytes : MaxPayloadBytes);
        if (context.Settings.DryRun)
        {
            var requests = batches.Select(b => b.Body.Length).ToList();
            context.Log.Info($"would send {features.Count:N0} row(s) to endpoint {endpoint} in {requests.Count:N0} request(s) of at most {requests.Max():N0} bytes ({options.ContentType}, accept {accept})");
            return new PredictResult(endpoint, [], predictorType, null, null, null, state.FeatureColumns);
        }
        var predictions = new EndpointPrediction[features.Count];
        using (var progress = context.Log.Progress("predict", features.Count, ProgressUnit.Rows))
        {
            long done = 0;
            await System.Threading.Tasks.Parallel.ForEachAsync(batches,
                new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = cancellationToken },
                async (batch, ct) =>
                {
                    var answer = queue is null
                        ? await target.Runtime.InvokeAsync(endpoint, batch.Body, options.ContentType, accept, ct)
                        : await queue.InvokeAsync(endpoint, batch.Body, options.ContentType, accept, ct);
                    var parsed = InferencePayloads.Parse(answer.Body, string.IsNullOrEmpty(answer.ContentType) ? accept : answer.ContentType, batch.Count);
                    parsed.CopyTo(predictions, batch.Start);
                    progress.Report(Interlocked.Add(ref done, batch.Count));
                });
        }

        // Class names where prepare saved them: setosa, not 0.
        var names = predictorType == "classifier" ? labelMap : null;
        var rows = features.Select((f, i) => new PredictedRow(f, labels?[i], predictions[i].PredictedLabel, predictions[i].Labels, predictions[i].Distances,
            labels is null ? null : names?.NameOf(labels[i]), names?.NameOf(predictions[i].PredictedLabel))).ToArray();
        ClassificationReport? report = null;
        double? mse = null;
        if (labels is not null)
        {
            var predicted = predictions.Select(p => p.PredictedLabel).ToArray();
            if (predictorType == "regressor") mse = RegressionScore.MeanSquaredError(labels, predicted);
            else report = ClassificationReport.Compute(labels, predicted);
        }
        return new PredictResult(endpoint, rows, predictorType, report, mse, labelMap, state.FeatureColumns);
    }

    /// <summary>The options checked before any request (knn run checks them before it starts anything).</summary>
    public static void Check(PredictOptions options)
    {
        ResourceNames.Endpoint.Check("--endpoint-name", options.EndpointName);
        if (options.BatchSize < 1) throw new InputException("--batch-size must be at least 1.");
        if (options.Parallel < 1) throw new InputException("--parallel must be at least 1.");
    }

    /// <summary>An asynchronous endpoint's requests go through the store: under this bucket and prefix, which must exist.</summary>
    private async Task<QueuedInference> QueueFor(ITarget target, State.KnnState state, string endpoint, AsyncInferenceSettings async, CancellationToken cancellationToken)
    {
        var bucket = await context.ResolveBucketAsync(target, state, cancellationToken);
        await target.Store.EnsureBucketAsync(bucket, cancellationToken);
        var queue = new QueuedInference(target, QueuedInference.InputPrefixFor(bucket, context.Settings.Prefix, endpoint));
        context.Log.Info($"Endpoint {endpoint} is asynchronous: requests are stored under {queue.InputPrefix}/ and queued; results are read from {async.OutputPath}/.");
        return queue;
    }

    /// <summary>
    /// Request bodies for consecutive row ranges of at most batchSize rows and maxBytes bytes each, made as
    /// they are sent, so only the requests in flight are held in memory. A body over maxBytes is made again for
    /// the rows that fit at its bytes per row, and later batches keep that smaller size, so each is made once.
    /// </summary>
    internal static IEnumerable<(int Start, int Count, byte[] Body)> Batches(IReadOnlyList<float[]> rows, int batchSize, string contentType, int maxBytes)
    {
        var start = 0;
        var size = batchSize;
        while (start < rows.Count)
        {
            var count = Math.Min(size, rows.Count - start);
            var body = InferencePayloads.Serialize(rows, start, count, contentType);
            while (count > 1 && body.Length > maxBytes)
            {
                // 5% below the average's share, for rows longer than the average; strictly fewer rows each time.
                count = Math.Max(1, (int)(count * (0.95 * maxBytes / body.Length)));
                body = InferencePayloads.Serialize(rows, start, count, contentType);
                size = count;
            }
            yield return (start, count, body);
            start += count;
        }
    }

    private async Task<(List<float[]> Features, double[]? Labels)> LoadRowsAsync(PredictOptions options, State.KnnState state, int? featureCount, IReadOnlySet<float>? classes, CancellationToken cancellationToken)
    {
        if (options.Rows.Count > 0)
        {
            var rows = options.Rows.SelectMany(r => r.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select((text, i) => ParseRow(text, "--rows", i + 1)).ToList();
            if (featureCount is { } d && rows.Find(r => r.Length != d) is { } bad)
                throw new InputException($"--rows: a row has {bad.Length} values; the model takes {d} features.");
            return (rows, null);
        }
        var path = options.Input ?? state.TestFile
            ?? throw new InputException("Nothing to predict: pass --input FILE or --rows \"…\", or run `knn prepare` first.");
        if (!File.Exists(path)) throw new InputException($"{path}: no such file.");
        using var table = await TabularInput.OpenAsync(context, path, options.Header, options.Label, state, featureCount, cancellationToken);
        // A first column of labels: the one rule of LabelColumn when the model's features are known, else the header's, else the prepared test file.
        var labelColumns = featureCount is { } features ? await LabelColumn.DetectAsync(table.Path, features, cancellationToken) : table.LabelColumns ?? (path == state.TestFile ? 1 : 0);
        using var reader = new NumericCsvReader(File.OpenRead(table.Path), path, labelColumns, labelColumns == 1 ? classes : null);
        var batch = await reader.ReadBatchAsync(int.MaxValue, cancellationToken);
        if (batch.RowCount == 0) throw DataErrors.InFile(path, "the file holds no rows");
        var width = batch.FeatureCount;
        var all = new List<float[]>(batch.RowCount);
        for (var r = 0; r < batch.RowCount; r++) all.Add(batch.Features.AsSpan(r * width, width).ToArray());
        return (all, labelColumns == 1 ? batch.Labels.Select(l => (double)l).ToArray() : null);
    }

    private static float[] ParseRow(string text, string source, int row) =>
        text.Split(',').Select((field, column) =>
            float.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value)
                ? value
                : throw new InputException($"{source}: row {row}, column {column + 1}: '{field.Trim()}' is not a finite number.")).ToArray();
}
