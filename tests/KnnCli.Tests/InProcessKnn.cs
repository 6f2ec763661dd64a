namespace KnnCli.Tests;

/// <summary>Runs knn in this process in a folder with a given environment, keeping the last run's stdout and stderr.</summary>
public sealed class InProcessKnn(string directory, IReadOnlyDictionary<string, string> environment)
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public string Output => _output.ToString();

    public string Error => _error.ToString();

    public async Task<int> RunAsync(params string[] args)
    {
        _output.GetStringBuilder().Clear();
        _error.GetStringBuilder().Clear();
        var services = new KnnServices { Output = _output, Error = _error, WorkingDirectory = directory, Environment = environment.GetValueOrDefault, Interactive = false };
        return await KnnApp.RunAsync(args, services);
    }
}
