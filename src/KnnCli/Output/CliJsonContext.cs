using System.Text.Json.Serialization;
using KnnCli.Core.Workflow;

namespace KnnCli.Output;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(JsonStringEnumConverter<Core.Targets.DeleteOutcome>)])]
[JsonSerializable(typeof(PrepareResult))]
[JsonSerializable(typeof(UploadResult))]
[JsonSerializable(typeof(TrainResult))]
[JsonSerializable(typeof(LogsResult))]
[JsonSerializable(typeof(DeployResult))]
[JsonSerializable(typeof(PredictResult))]
[JsonSerializable(typeof(CleanupResult))]
[JsonSerializable(typeof(RunResult))]
[JsonSerializable(typeof(StatusResult))]
[JsonSerializable(typeof(ModelInspectResult))]
[JsonSerializable(typeof(ModelSetResult))]
[JsonSerializable(typeof(ModelPullResult))]
[JsonSerializable(typeof(TransformResult))]
[JsonSerializable(typeof(TuneResult))]
[JsonSerializable(typeof(TuningJobResult))]
[JsonSerializable(typeof(DoctorResult))]
[JsonSerializable(typeof(ConfigResult))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
