using System.Text.Json.Serialization;
using KnnCli.Core.Data;

namespace KnnCli.Core;

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LabelMap))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;
