using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Targets.Local;
using KnnCli.Targets.SageMaker;

namespace KnnCli.Tests;

/// <summary>
/// The real targets for in-process runs: the sagemaker one talking to moto with the given options (a checked
/// transport, recorded replies, faults), the local one as it is.
/// </summary>
public sealed class MotoTargets(Func<SageMakerTargetOptions> options) : ITargetFactory
{
    public ITarget Create(CommonSettings settings, IWorkflowLog log) => settings.Target == "sagemaker"
        ? SageMakerTarget.Create(settings, log, options())
        : new LocalTarget(settings, log);
}
