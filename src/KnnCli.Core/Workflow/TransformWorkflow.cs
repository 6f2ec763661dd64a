using System.Diagnostics;
using System.Text;
using System.Text.Json.Serialization;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Core.Workflow;

public sealed record TransformOptions
{
    /// <summary>A local model.tar.gz, or a store URI (s3://…); default: the model the last `knn train` made.</summary>
    public string? Model { get; init; }
    /// <summary>CSV rows of features; with one more column than the model has features, the first is the label.</summary>
    public required string Input { get; init; }
    /// <summary>Where predictions go: .jsonl (SageMaker's JSON Lines response lines) or .csv (one prediction per line).</summary>
    public required string Output { get; init; }
    /// <summary>Verbose output: each neighbour's label and distance (JSON Lines only).</summary>
    public bool Neighbors { get; init; }
    /// <summary>The input's first row names its columns (detected when not set).</summary>
    public bool Header { get; init; }
    /// <summary>The label column of a headered input (default: the prepared label column, when the header has it).</summary>
    public string? Label { get; init; }
    /// <summary>Each output line carries its input row (Batch Transform's JoinSource Input).</summary>
    public bool JoinInput { get; init; }
    /// <summary>Rows read and searched at once; memory stays bounded by one batch.</summary>
    public int BatchSize { get; init; } = 5000;
    /// <summary>The transform job's name on SageMaker (default: knn-transform-&lt;timestamp&gt;).</summary>
    public string? JobName { get; init; }
    public string? InstanceType { get; init; }
    public int? InstanceCount { get; init; }
}

public sealed record TransformResult(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("rows_per_second")] double RowsPerSecond,
    [property: JsonPropertyName("predictor_type")] string PredictorType,
    [property: JsonPropertyName("accuracy")] double? Accuracy,
    [property: JsonPropertyName("mse")] double? MeanSquaredError,
    [property: JsonPropertyName("transform_job_name")] string? TransformJobName = null);

/// <summary>One row's prediction as it is written: the label's text, its value (for the scores), and in verbose mode the neighbours.</summary>
public sealed record RowPrediction(string Label, float Value, IReadOnlyList<string>? Distances = null, IReadOnlyList<string>? Labels = null);

/// <summary>
/// transform: offline batch inference over a file with a model.tar.gz, like SageMaker Batch Transform with
/// SplitType=Line and AssembleWith=Line. On the local target the model runs in process; on sagemaker a Batch
/// Transform job runs it (<see cref="BatchTransformJob"/>). Either way each row's prediction is written in input
/// order, and labelled input is scored.
/// </summary>
public sealed class TransformWorkflow(WorkflowContext context)
{
    public async Task<TransformResult> RunAsync(TransformOptions options, CancellationToken cancellationToken)
    {
        if (options.BatchSize < 1) throw new InputException("--batch-size must be at least 1.");
        if (options.InstanceCount is < 1) throw new InputException($"--instance-count {options.InstanceCount}: must be at least 1.");
        ResourceNames.TransformJob.Check("--job-name", options.JobName);
        var jsonLines = PredictionFile.IsJsonLines(options.Output);
        if (options.Neighbors && !jsonLines)
            throw new InputException("--neighbors needs JSON Lines output (--output FILE.jsonl): CSV holds one prediction per row.");
        if (StoreUri.IsStoreUri(options.Input))
            throw new InputException($"--input {ErrorText.Excerpt(options.Input)}: transform reads a local CSV file (on sagemaker it uploads the file itself); copy the object here first (aws s3 cp).");
        if (!File.Exists(options.Input)) throw new InputException($"{options.Input}: no such file.");
        var state = await context.State.LoadAsync(cancellationToken);
        var modelSource = options.Model ?? state.ModelArtifactUri
            ?? throw new InputException("No model to run: train one first (`knn train`) or pass --model model.tar.gz.");

        var model = await ModelSource.LoadAsync(context, modelSource, cancellationToken);
        using var table = await TabularInput.OpenAsync(context, options.Input, options.Header, options.Label, state, model.FeatureDimension, cancellationToken);
        var labelColumns = await LabelColumn.DetectAsync(table.Path, model.FeatureDimension, cancellationToken);
        var format = jsonLines ? "application/jsonlines" : "text/csv";
        var classNames = await ClassNamesAsync(model, state, cancellationToken);
        context.Log.Info($"Transforming {options.Input} with {modelSource} ({model.Metadata.IndexType}, k={model.EffectiveK}) into {options.Output} ({format})");
        var watch = Stopwatch.StartNew();
        string? jobName = null;
        Tally tally;
        if (context.Settings.Target == "sagemaker")
        {
            var job = new BatchTransformJob(context);
            var predictions = await job.RunAsync(options, table.Path, state, modelSource, labelColumns == 1, cancellationToken);
            if (predictions is null) return NothingDone(options, modelSource, format, model, job.JobName);
            await using (predictions)
            {
                tally = await WriteAsync(options, table.Path, model, labelColumns, jsonLines, classNames, predictions.NextAsync, cancellationToken);
                await predictions.EndAsync(tally.Rows, cancellationToken);
            }
            jobName = job.JobName;
        }
        else
        {
            if (context.Settings.DryRun) return NothingDone(options, modelSource, format, model, null);
            tally = await WriteAsync(options, table.Path, model, labelColumns, jsonLines, classNames, (batch, _) => Task.FromResult(Predict(model, batch, options.Neighbors)), cancellationToken);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var classifier = model.Metadata.Predictor == PredictorType.Classifier;
        var scored = labelColumns == 1 && tally.Rows > 0;
        return new TransformResult(modelSource, options.Input, options.Output, format, tally.Rows, seconds,
            seconds > 0 ? tally.Rows / seconds : 0, model.Metadata.PredictorType,
            scored && classifier ? (double)tally.Correct / tally.Rows : null,
            scored && !classifier ? tally.SquaredError / tally.Rows : null,
            jobName);
    }

    private static TransformResult NothingDone(TransformOptions options, string modelSource, string format, KnnModel model, string? jobName) =>
        new(modelSource, options.Input, options.Output, format, 0, 0, 0, model.Metadata.PredictorType, null, null, jobName);

    /// <summary>
    /// Streams the input in batches, asks <paramref name="predict"/> for each batch's predictions and writes one line
    /// per row, atomically: the output appears whole or not at all. The next batch is parsed while the current one
    /// is predicted, and each batch's lines are written with one call.
    /// </summary>
    private async Task<Tally> WriteAsync(TransformOptions options, string inputPath, KnnModel model, int labelColumns, bool jsonLines, LabelMap? classNames,
        Func<NumericBatch, CancellationToken, Task<RowPrediction[]>> predict, CancellationToken cancellationToken)
    {
        // A classifier's labels must be its classes, or the accuracy would count rows that can never be right.
        IReadOnlySet<float>? classes = model.Metadata.Predictor == PredictorType.Classifier ? model.Labels.ToHashSet() : null;
        var tally = new Tally();
        await AtomicFile.WriteAsync(options.Output, async (output, ct) =>
        {
            await using var input = File.OpenRead(inputPath);
            // The bar follows the bytes read (the row count is not known ahead); the rows done are shown beside it.
            using var progress = context.Log.Progress("transform", input.Length, ProgressUnit.Bytes);
            using var reader = new NumericCsvReader(input, options.Input, labelColumns, classes, keepText: options.JoinInput && !jsonLines);
            await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            var lines = new StringBuilder();
            Task<NumericBatch> ReadNext() => Task.Run(() => reader.ReadBatchAsync(options.BatchSize, ct), ct);
            var next = ReadNext();
            try
            {
                while (await next is { RowCount: > 0 } batch)
                {
                    // Each batch is the reader's copy, so the next one can be parsed meanwhile.
                    next = ReadNext();
                    var predictions = await predict(batch, ct);
                    lines.Clear();
                    for (var r = 0; r < batch.RowCount; r++)
                    {
                        AppendRow(lines, batch, r, labelColumns, predictions[r], jsonLines, options.JoinInput, classNames).AppendLine();
                        if (labelColumns == 1) tally.Add(predictions[r].Value, batch.Labels[r]);
                    }
                    await writer.WriteAsync(lines, ct);
                    tally.Rows += batch.RowCount;
                    progress.Report(input.Position);
                    progress.Describe($"{tally.Rows:N0} rows");
                }
            }
            finally
            {
                // The reader must be idle before it is disposed; a failure here is already being reported.
                await Task.WhenAny(next);
            }
        }, cancellationToken);
        return tally;
    }

    private static RowPrediction[] Predict(KnnModel model, NumericBatch batch, bool neighbors)
    {
        var k = model.EffectiveK;
        var predictions = new float[batch.RowCount];
        var distances = neighbors ? new float[batch.RowCount * k] : [];
        var labels = neighbors ? new float[batch.RowCount * k] : [];
        model.Predict(batch.Features, predictions, distances, labels);
        return Enumerable.Range(0, batch.RowCount).Select(r => new RowPrediction(Number(predictions[r]), predictions[r],
            neighbors ? distances.Skip(r * k).Take(k).Select(Number).ToArray() : null,
            neighbors ? labels.Skip(r * k).Take(k).Select(Number).ToArray() : null)).ToArray();
    }

    /// <summary>The prepared class names, when they name this classifier's labels (0..n-1): CSV output says setosa, not 0.</summary>
    private static async Task<LabelMap?> ClassNamesAsync(KnnModel model, State.KnnState state, CancellationToken cancellationToken)
    {
        if (model.Metadata.Predictor != PredictorType.Classifier) return null;
        var map = await LabelMap.LoadAsync(state.LabelMapFile, cancellationToken);
        return map is not null && model.Labels.All(l => l >= 0 && l < map.Classes.Count && l == MathF.Floor(l)) ? map : null;
    }

    /// <summary>
    /// Appends a row's output line (without its line break). Joined with its input as Batch Transform's JoinSource Input joins CSV rows: in CSV the row
    /// followed by the prediction; in JSON Lines {"SageMakerInput":[the row],"SageMakerOutput":{the prediction}}.
    /// JSON Lines keep SageMaker's numeric labels; CSV names the class when the class names are known.
    /// </summary>
    private static StringBuilder AppendRow(StringBuilder line, NumericBatch batch, int row, int labelColumns, RowPrediction prediction, bool jsonLines, bool joinInput, LabelMap? classNames)
    {
        if (!jsonLines)
        {
            if (joinInput) line.Append(batch.Text![row]).Append(',');
            return line.Append(classNames?.NameOf(prediction.Value) ?? prediction.Label);
        }
        if (!joinInput) return PredictionFile.AppendJsonLine(line, prediction.Label, prediction.Distances, prediction.Labels);
        line.Append("{\"SageMakerInput\":[");
        if (labelColumns == 1) line.Append(Number(batch.Labels[row])).Append(',');
        line.AppendJoin(',', batch.Features.Skip(row * batch.FeatureCount).Take(batch.FeatureCount).Select(Number));
        line.Append("],\"SageMakerOutput\":");
        PredictionFile.AppendJsonLine(line, prediction.Label, prediction.Distances, prediction.Labels);
        return line.Append('}');
    }

    private static string Number(float value) => PythonNumberFormat.Format(value);

    private sealed class Tally
    {
        public long Rows;
        public long Correct;
        public double SquaredError;

        public void Add(float prediction, float label)
        {
            if (prediction == label) Correct++;
            var error = (double)prediction - label;
            SquaredError += error * error;
        }
    }
}
