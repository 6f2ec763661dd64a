namespace KnnCli.Core.Targets;

/// <summary>
/// Where the workflow runs: one implementation per target (local, sagemaker), each in its own project.
/// The workflow services only see these interfaces, so switching the target changes nothing else.
/// </summary>
public interface ITarget : IAsyncDisposable
{
    /// <summary>"local" or "sagemaker".</summary>
    string Name { get; }

    IObjectStore Store { get; }

    ITrainer Trainer { get; }

    IHosting Hosting { get; }

    IEndpointRuntime Runtime { get; }

    /// <summary>Batch Transform jobs; null where transform runs in process (the local target).</summary>
    IBatchTransformer? BatchTransformer => null;

    /// <summary>Hyperparameter tuning jobs; null where there are none (the local target tunes by cross-validation).</summary>
    ITuner? Tuner => null;

    /// <summary>The bucket to use when none is configured (SageMaker: sagemaker-&lt;region&gt;-&lt;account&gt;).</summary>
    Task<string> GetDefaultBucketAsync(CancellationToken cancellationToken);
}

/// <summary>What a verb writes as it goes: progress, status lines and log lines (stderr in human mode).</summary>
public interface IWorkflowLog
{
    void Info(string message);

    void Verbose(string message);

    void Warn(string message);

    /// <summary>A line from the training container's log, printed as is.</summary>
    void Log(string line);

    /// <summary>A progress bar for a long operation; dispose it when done.</summary>
    IProgressReporter Progress(string label, long total);

    /// <summary>A progress bar counting <paramref name="unit"/>s; a total of 0 or less (unknown) shows a spinner and the count.</summary>
    IProgressReporter Progress(string label, long total, ProgressUnit unit) => Progress(label, total);

    /// <summary>A spinner with the elapsed time for a wait of unknown length (a job, an endpoint); its status text changes with <see cref="IProgressReporter.Describe"/>.</summary>
    IProgressReporter Wait(string label) => Progress(label, 0, ProgressUnit.Items);
}

/// <summary>What a progress count counts, so it is shown with its unit (bytes as KB/MB/GB).</summary>
public enum ProgressUnit
{
    Items,
    Rows,
    Bytes,
}

public interface IProgressReporter : IDisposable
{
    void Report(long completed);

    /// <summary>Changes the status shown beside the label (a job's status, a step).</summary>
    void Describe(string status) { }
}
