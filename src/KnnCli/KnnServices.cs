using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Output;
using KnnCli.Targets.Local;
using KnnCli.Targets.SageMaker;
using Spectre.Console;

namespace KnnCli;

/// <summary>The seams of the composition root; tests replace them (output writers, working folder, targets).</summary>
public sealed record KnnServices
{
    public TextWriter Output { get; init; } = Console.Out;
    public TextWriter Error { get; init; } = Console.Error;
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();
    /// <summary>True when stderr is a terminal (progress bars are drawn only then).</summary>
    public bool Interactive { get; init; } = !Console.IsErrorRedirected;
    /// <summary>True when stdout is a terminal (results are styled only then); by default, only the real stdout can be.</summary>
    public bool? OutputIsTerminal { get; init; }
    /// <summary>The consoles results and diagnostics go to; null builds them over <see cref="Output"/> and <see cref="Error"/>. Tests pass Spectre's TestConsole.</summary>
    public IAnsiConsole? OutputConsole { get; init; }
    public IAnsiConsole? ErrorConsole { get; init; }
    /// <summary>Null for the real targets, which read AWS settings through <see cref="Environment"/>.</summary>
    public ITargetFactory? TargetOverride { get; init; }

    public ITargetFactory Targets => TargetOverride ?? new DefaultTargetFactory(Environment);

    /// <summary>stdout: styled on a terminal unless NO_COLOR is set.</summary>
    public KnnConsole CreateOutputConsole() => OutputConsole is { } console
        ? new KnnConsole(console)
        : KnnConsole.Create(Output, OutputIsTerminal ?? (ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected), Environment);

    /// <summary>stderr: styled, with live progress, on a terminal unless NO_COLOR is set.</summary>
    public KnnConsole CreateErrorConsole() => ErrorConsole is { } console ? new KnnConsole(console) : KnnConsole.Create(Error, Interactive, Environment);
}

/// <summary>local → the in-process target; sagemaker → the AWS services.</summary>
public sealed class DefaultTargetFactory(Func<string, string?> environment) : ITargetFactory
{
    public ITarget Create(CommonSettings settings, IWorkflowLog log) => settings.Target switch
    {
        "local" => new LocalTarget(settings, log),
        "sagemaker" => SageMakerTarget.Create(settings, log, new SageMakerTargetOptions { Environment = environment }),
        _ => throw new Core.Errors.InputException($"Unknown target '{settings.Target}'."),
    };
}
