using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace KnnCli.Targets.SageMaker.Tests.Fixtures;

/// <summary>
/// An official AWS service model (botocore service-2.json) used as the oracle: a request body must have every required
/// member, no unknown member, and enum values, lengths, ranges and patterns the model allows.
/// </summary>
public sealed class ServiceModel
{
    private static readonly ConcurrentDictionary<string, ServiceModel> Loaded = new();
    private readonly JsonElement _operations;
    private readonly JsonElement _shapes;

    private ServiceModel(JsonDocument document)
    {
        _operations = document.RootElement.GetProperty("operations");
        _shapes = document.RootElement.GetProperty("shapes");
    }

    public static ServiceModel SageMaker => Load("sagemaker");

    public static ServiceModel Runtime => Load("sagemaker-runtime");

    public static ServiceModel Logs => Load("logs");

    public static ServiceModel Load(string service) => Loaded.GetOrAdd(service, name =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Models", name, "service-2.json.gz");
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        return new ServiceModel(JsonDocument.Parse(gzip));
    });

    public string InputShape(string operation) => _operations.GetProperty(operation).GetProperty("input").GetProperty("shape").GetString()!;

    public string? OutputShape(string operation) =>
        _operations.GetProperty(operation).TryGetProperty("output", out var output) ? output.GetProperty("shape").GetString() : null;

    public JsonElement Shape(string name) => _shapes.GetProperty(name);

    /// <summary>Every way the body breaks the operation's input shape (empty when it conforms).</summary>
    public List<string> ValidateInput(string operation, JsonElement body)
    {
        var errors = new List<string>();
        Validate(InputShape(operation), body, operation, errors);
        return errors;
    }

    public void Validate(string shapeName, JsonElement value, string path, List<string> errors)
    {
        var shape = Shape(shapeName);
        switch (shape.GetProperty("type").GetString())
        {
            case "structure":
                if (value.ValueKind != JsonValueKind.Object) { errors.Add($"{path}: expected an object"); return; }
                var members = shape.GetProperty("members");
                if (shape.TryGetProperty("required", out var required))
                {
                    foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                        if (!value.TryGetProperty(name, out _)) errors.Add($"{path}.{name}: required member missing");
                }
                foreach (var property in value.EnumerateObject())
                {
                    if (!members.TryGetProperty(property.Name, out var member)) { errors.Add($"{path}.{property.Name}: not a member of {shapeName}"); continue; }
                    Validate(member.GetProperty("shape").GetString()!, property.Value, $"{path}.{property.Name}", errors);
                }
                break;
            case "list":
                if (value.ValueKind != JsonValueKind.Array) { errors.Add($"{path}: expected an array"); return; }
                CheckRange(shape, value.GetArrayLength(), path, "items", errors);
                var item = shape.GetProperty("member").GetProperty("shape").GetString()!;
                var index = 0;
                foreach (var element in value.EnumerateArray()) Validate(item, element, $"{path}[{index++}]", errors);
                break;
            case "map":
                if (value.ValueKind != JsonValueKind.Object) { errors.Add($"{path}: expected an object (map)"); return; }
                CheckRange(shape, value.EnumerateObject().Count(), path, "entries", errors);
                var key = shape.GetProperty("key").GetProperty("shape").GetString()!;
                var mapValue = shape.GetProperty("value").GetProperty("shape").GetString()!;
                foreach (var entry in value.EnumerateObject())
                {
                    using var keyDocument = JsonDocument.Parse(JsonSerializer.Serialize(entry.Name));
                    Validate(key, keyDocument.RootElement, $"{path} key '{entry.Name}'", errors);
                    Validate(mapValue, entry.Value, $"{path}['{entry.Name}']", errors);
                }
                break;
            case "string":
                if (value.ValueKind != JsonValueKind.String) { errors.Add($"{path}: expected a string"); return; }
                var text = value.GetString()!;
                CheckRange(shape, text.Length, path, "characters", errors);
                if (shape.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => a.GetString() == text))
                    errors.Add($"{path}: '{text}' is not one of {shapeName}'s values");
                if (shape.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, $"^(?:{DotNetPattern(pattern.GetString()!)})$"))
                    errors.Add($"{path}: '{text}' does not match {shapeName}'s pattern {pattern.GetString()}");
                break;
            case "integer" or "long":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var integer)) { errors.Add($"{path}: expected an integer"); return; }
                CheckRange(shape, integer, path, "", errors);
                break;
            case "double" or "float":
                if (value.ValueKind != JsonValueKind.Number) { errors.Add($"{path}: expected a number"); return; }
                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) errors.Add($"{path}: expected a boolean");
                break;
            case "timestamp":
                if (value.ValueKind != JsonValueKind.Number) errors.Add($"{path}: expected epoch seconds");
                break;
            case "blob":
                if (value.ValueKind != JsonValueKind.String) errors.Add($"{path}: expected base64 text");
                break;
            default:
                errors.Add($"{path}: shape type {shape.GetProperty("type")} is not handled by the checker");
                break;
        }
    }

    /// <summary>
    /// A model pattern in .NET's regex dialect: Java's \p{Print} and \p{ASCII} classes have other names here, and a
    /// range of supplementary code points written as surrogate pairs is, in UTF-16 units, the surrogate range.
    /// </summary>
    public static string DotNetPattern(string pattern) => pattern
        .Replace(@"\uD800\uDC00-\uDBFF\uDFFF", @"\uD800-\uDFFF", StringComparison.Ordinal)
        .Replace(@"\p{Print}", @"[\x20-\x7E\u00A0-\uFFFF]", StringComparison.Ordinal)
        .Replace(@"\p{ASCII}", @"\p{IsBasicLatin}", StringComparison.Ordinal);

    private static void CheckRange(JsonElement shape, long value, string path, string unit, List<string> errors)
    {
        var what = unit.Length == 0 ? $"{value}" : $"{value} {unit}";
        if (shape.TryGetProperty("min", out var min) && value < min.GetDouble()) errors.Add($"{path}: {what} is below the minimum {min}");
        if (shape.TryGetProperty("max", out var max) && value > max.GetDouble()) errors.Add($"{path}: {what} is above the maximum {max}");
    }

    /// <summary>Every JSON member a DTO (and the DTOs it contains) can write or read must exist in the model shape.</summary>
    public List<string> CheckMemberNames(string shapeName, JsonTypeInfo type, string path)
    {
        var errors = new List<string>();
        CheckMemberNames(shapeName, type, path, errors);
        return errors;
    }

    private void CheckMemberNames(string shapeName, JsonTypeInfo type, string path, List<string> errors)
    {
        var shape = Shape(shapeName);
        var kind = shape.GetProperty("type").GetString();
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object when kind == "structure":
                var members = shape.GetProperty("members");
                foreach (var property in type.Properties)
                {
                    if (!members.TryGetProperty(property.Name, out var member)) { errors.Add($"{path}.{property.Name}: not a member of {shapeName}"); continue; }
                    var inner = Unwrap(property.PropertyType);
                    CheckMemberNames(member.GetProperty("shape").GetString()!, type.Options.GetTypeInfo(inner), $"{path}.{property.Name}", errors);
                }
                break;
            case JsonTypeInfoKind.Enumerable when kind == "list":
                CheckMemberNames(shape.GetProperty("member").GetProperty("shape").GetString()!, type.Options.GetTypeInfo(type.ElementType!), path + "[]", errors);
                break;
            case JsonTypeInfoKind.Dictionary when kind == "map":
                CheckMemberNames(shape.GetProperty("value").GetProperty("shape").GetString()!, type.Options.GetTypeInfo(type.ElementType!), path + "{}", errors);
                break;
            case JsonTypeInfoKind.None when kind is not ("structure" or "list" or "map"):
                break;
            default:
                errors.Add($"{path}: {type.Type.Name} ({type.Kind}) cannot carry {shapeName} ({kind})");
                break;
        }
    }

    private static Type Unwrap(Type type) => Nullable.GetUnderlyingType(type) ?? type;
}
