using System.Text.Json.Serialization;

namespace KnnCli.Targets.Local;

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ObjectMetadata))]
[JsonSerializable(typeof(LocalTrainingJob))]
[JsonSerializable(typeof(LocalEndpoint))]
internal sealed partial class LocalJsonContext : JsonSerializerContext;
