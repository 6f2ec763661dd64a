using System.Text.Json;
using System.Text.RegularExpressions;

namespace KnnCli.Tests;

/// <summary>Every verb's --json document names its fields in one style, snake_case, nested objects included.</summary>
public sealed partial class JsonNamingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-json-names-").FullName;

    public void Dispose()
    {
        _ = KnnProcess.RunAsync(_directory, "cleanup").GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Each_verbs_document_uses_snake_case_names_only()
    {
        string[][] verbs =
        [
            ["prepare"], ["upload"], ["train"], ["deploy", "--endpoint-name", "names"], ["status"], ["predict"], ["transform", "--input", "PREPARED_TEST", "--output", "out.jsonl"],
            ["tune", "--k", "1,3"], ["cleanup"], ["status"],
        ];
        foreach (var verb in verbs)
        {
            var args = verb.Select(a => a == "PREPARED_TEST" ? Path.Combine(_directory, ".knn", "data", "iris_test.csv") : a).Append("--json").ToArray();
            var run = await KnnProcess.RunAsync(_directory, args);
            Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)}: {run.Error}");
            var wrong = Names(JsonDocument.Parse(run.Output).RootElement).Where(n => !SnakeCase().IsMatch(n)).Distinct().ToList();
            Assert.True(wrong.Count == 0, $"knn {string.Join(' ', verb)} --json names {string.Join(", ", wrong)}");
        }
    }

    /// <summary>Every property name in the document; the values of hyperparameter maps are data, their keys SageMaker's (snake_case too).</summary>
    private static IEnumerable<string> Names(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Names(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Names),
        _ => [],
    };

    [GeneratedRegex("^[a-z][a-z0-9_:.]*$")]
    private static partial Regex SnakeCase();
}
