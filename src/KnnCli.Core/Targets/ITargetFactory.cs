using KnnCli.Core.Settings;

namespace KnnCli.Core.Targets;

/// <summary>Creates the target a verb runs on. Tests replace it to point at moto server or a scratch folder.</summary>
public interface ITargetFactory
{
    ITarget Create(CommonSettings settings, IWorkflowLog log);

    /// <summary>The checks of knn doctor for the settings' target; null when the factory has none (doctor says so).</summary>
    ITargetChecks? CreateChecks(CommonSettings settings, IWorkflowLog log) => null;
}
