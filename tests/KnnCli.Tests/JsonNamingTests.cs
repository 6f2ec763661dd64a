using System.Text.Json;
using System.Text.RegularExpressions;

namespace KnnCli.Tests;

/// <summary>Every verb's --json document names its fields in one style, snake_case, nested objects included, and only as the README documents them.</summary>
public sealed partial class JsonNamingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-json-names-").FullName;

    public void Dispose()
    {
        _ = KnnProcess.RunAsync(_directory, "cleanup").GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Each_verbs_document_uses_snake_case_names_and_only_the_fields_the_readme_lists()
    {
        string[][] verbs =
        [
            ["status"], ["config"], ["prepare"], ["upload"], ["train"], ["deploy", "--endpoint-name", "names"], ["status"], ["predict"], ["transform", "--input", "PREPARED_TEST", "--output", "out.jsonl"],
            ["tune", "--k", "1,3"], ["cleanup"], ["status"],
        ];
        var documented = DocumentedFields();
        foreach (var verb in verbs)
        {
            var args = verb.Select(a => a == "PREPARED_TEST" ? Path.Combine(_directory, ".knn", "data", "iris_test.csv") : a).Append("--json").ToArray();
            var run = await KnnProcess.RunAsync(_directory, args);
            Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)}: {run.Error}");
            var document = JsonDocument.Parse(run.Output).RootElement;
            var wrong = Names(document).Where(n => !SnakeCase().IsMatch(n)).Distinct().ToList();
            Assert.True(wrong.Count == 0, $"knn {string.Join(' ', verb)} --json names {string.Join(", ", wrong)}");
            // Every top-level field it prints is one the README documents for the verb (a null one is left out).
            var key = verb[0] == "tune" ? "tune (local)" : verb[0];
            Assert.True(documented.TryGetValue(key, out var fields), $"the README documents no --json fields for {key}");
            var undocumented = document.EnumerateObject().Select(p => p.Name).Where(n => !fields.Contains(n)).ToList();
            Assert.True(undocumented.Count == 0, $"knn {string.Join(' ', verb)} --json prints {string.Join(", ", undocumented)}, which the README's table does not list");
        }
    }

    /// <summary>The README's table of each verb's --json fields: "| verb[, verb] | field, field (nested…), field or field |".</summary>
    private static Dictionary<string, HashSet<string>> DocumentedFields()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "README.md"))) folder = folder.Parent ?? throw new FileNotFoundException("README.md above the test folder");
        var table = File.ReadLines(Path.Combine(folder.FullName, "README.md"))
            .SkipWhile(l => !l.StartsWith("| Verb | Fields |", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.StartsWith('|'));
        var fields = new Dictionary<string, HashSet<string>>();
        foreach (var row in table)
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            var names = FieldName().Matches(NestedList().Replace(cells[2], "")).Select(m => m.Value).ToHashSet();
            foreach (var verb in cells[1].Split(',', StringSplitOptions.TrimEntries)) fields[verb] = names;
        }
        return fields;
    }

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex NestedList();

    [GeneratedRegex("[a-z][a-z0-9_]*")]
    private static partial Regex FieldName();

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
