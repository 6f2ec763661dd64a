using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>knn tune through the real executable on the prepared Iris train file.</summary>
public sealed class TuneCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-tune-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Tune_on_the_prepared_iris_names_the_best_k_with_scikit_learns_scores()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);

        var json = await KnnProcess.RunAsync(_directory, "tune", "--k", "1,3,5,7", "--folds", "5", "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var result = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal(112, result.GetProperty("rows").GetInt32());
        Assert.Equal(4, result.GetProperty("candidates").GetArrayLength());
        var best = result.GetProperty("best");
        Assert.Equal(7, best.GetProperty("k").GetInt32());
        // cross_validate(KNeighborsClassifier(7, algorithm="brute"), X, y, cv=KFold(5, shuffle=True, random_state=0)) on iris_train.csv
        Assert.Equal(0.9731225296442687, best.GetProperty("accuracy_mean").GetDouble(), 12);
        Assert.Equal(0.9718955440694572, best.GetProperty("macro_f1_mean").GetDouble(), 12);
        foreach (var field in new[] { "input", "folds", "stratify", "seed", "predictor_type" }) Assert.True(result.TryGetProperty(field, out _), field);

        var human = await KnnProcess.RunAsync(_directory, "tune", "--k", "1..3", "--stratify");
        Assert.True(human.ExitCode == 0, human.Error);
        Assert.Contains("5-fold stratified cross-validation on 112 rows", human.Output);
        Assert.Contains("Best: k=", human.Output);
    }

    [Fact]
    public async Task A_bad_k_list_is_a_usage_error()
    {
        var run = await KnnProcess.RunAsync(_directory, "tune", "--k", "1,abc", "--input", "nothing.csv");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --k 1,abc: expected whole numbers", run.Error);
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn", "data")));
    }
}
