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
    /// <summary>Rows read and searched at once; memory stays bounded by one batch.</summary>
    public int BatchSize { get; init; } = 5000;
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
    [property: JsonPropertyName("mse")] double? MeanSquaredError);

/// <summary>
/// transform: offline batch inference over a file with a model.tar.gz, like SageMaker Batch Transform with
/// SplitType=Line and AssembleWith=Line: the input streams through in batches, the model runs in process, and
/// each row's prediction is written in input order. Labelled input is scored as well.
/// </summary>
public sealed class TransformWorkflow(WorkflowContext context)
{
    public async Task<TransformResult> RunAsync(TransformOptions options, CancellationToken cancellationToken)
    {
        if (options.BatchSize < 1) throw new InputException("--batch-size must be at least 1.");
        var jsonLines = PredictionFile.IsJsonLines(options.Output);
        if (options.Neighbors && !jsonLines)
            throw new InputException("--neighbors needs JSON Lines output (--output FILE.jsonl): CSV holds one prediction per row.");
        if (!File.Exists(options.Input)) throw new InputException($"{options.Input}: no such file.");
        var state = await context.State.LoadAsync(cancellationToken);
        var modelSource = options.Model ?? state.ModelArtifactUri
            ?? throw new InputException("No model to run: train one first (`knn train`) or pass --model model.tar.gz.");

        var model = await ModelSource.LoadAsync(context, modelSource, cancellationToken);
        var labelColumns = await LabelColumn.DetectAsync(options.Input, model.FeatureDimension, cancellationToken);
        // A classifier's labels must be its classes, or the accuracy would count rows that can never be right.
        IReadOnlySet<float>? classes = model.Metadata.Predictor == PredictorType.Classifier ? model.Labels.ToHashSet() : null;
        var format = jsonLines ? "application/jsonlines" : "text/csv";
        context.Log.Info($"Transforming {options.Input} with {modelSource} ({model.Metadata.IndexType}, k={model.EffectiveK}) into {options.Output} ({format})");
        if (context.Settings.DryRun)
            return new TransformResult(modelSource, options.Input, options.Output, format, 0, 0, 0, model.Metadata.PredictorType, null, null);

        var watch = Stopwatch.StartNew();
        var tally = new Tally();
        await AtomicFile.WriteAsync(options.Output, async (output, ct) =>
        {
            await using var input = File.OpenRead(options.Input);
            // The bar follows the bytes read (the row count is not known ahead); the rows done are shown beside it.
            using var progress = context.Log.Progress("transform", input.Length, ProgressUnit.Bytes);
            using var reader = new NumericCsvReader(input, options.Input, labelColumns, classes);
            await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            var k = model.EffectiveK;
            var line = new StringBuilder();
            while (await reader.ReadBatchAsync(options.BatchSize, ct) is { RowCount: > 0 } batch)
            {
                var predictions = new float[batch.RowCount];
                var distances = options.Neighbors ? new float[batch.RowCount * k] : [];
                var neighbours = options.Neighbors ? new float[batch.RowCount * k] : [];
                model.Predict(batch.Features, predictions, distances, neighbours);
                for (var r = 0; r < batch.RowCount; r++)
                {
                    line.Clear();
                    if (jsonLines)
                    {
                        PredictionFile.AppendJsonLine(line, Number(predictions[r]),
                            options.Neighbors ? distances.Skip(r * k).Take(k).Select(Number) : null,
                            options.Neighbors ? neighbours.Skip(r * k).Take(k).Select(Number) : null);
                    }
                    else
                    {
                        line.Append(Number(predictions[r]));
                    }
                    await writer.WriteLineAsync(line, ct);
                    if (labelColumns == 1) tally.Add(predictions[r], batch.Labels[r]);
                }
                tally.Rows += batch.RowCount;
                progress.Report(input.Position);
                progress.Describe($"{tally.Rows:N0} rows");
            }
        }, cancellationToken);

        var seconds = watch.Elapsed.TotalSeconds;
        var classifier = model.Metadata.Predictor == PredictorType.Classifier;
        var scored = labelColumns == 1 && tally.Rows > 0;
        return new TransformResult(modelSource, options.Input, options.Output, format, tally.Rows, seconds,
            seconds > 0 ? tally.Rows / seconds : 0, model.Metadata.PredictorType,
            scored && classifier ? (double)tally.Correct / tally.Rows : null,
            scored && !classifier ? tally.SquaredError / tally.Rows : null);
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
