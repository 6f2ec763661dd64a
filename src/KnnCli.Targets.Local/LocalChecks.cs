using System.Net;
using System.Net.Sockets;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.State;
using KnnCli.Core.Targets;
using KnnCli.Serving;

namespace KnnCli.Targets.Local;

/// <summary>
/// knn doctor on the local target: the working folder takes knn's files, knn serve's default port is free, and no
/// local endpoint is left running. Nothing AWS: the local target needs no account.
/// </summary>
public sealed class LocalChecks(CommonSettings settings, IWorkflowLog log, Func<string, string?> environment) : ITargetChecks
{
    public async Task<IReadOnlyList<CheckResult>> RunAsync(KnnState state, CancellationToken cancellationToken)
    {
        var folder = CheckFolder();
        var checks = new List<CheckResult> { folder, CheckServePort() };
        if (folder.Status != CheckStatus.Pass)
        {
            checks.Add(CheckResult.Skip(LiveEndpointCheck.Name, "not checked: the folder is not usable"));
            return checks;
        }
        await using var target = new LocalTarget(settings, log);
        checks.Add(await LiveEndpointCheck.RunAsync(target, cancellationToken).ConfigureAwait(false));
        return checks;
    }

    /// <summary>Writes and deletes a probe where knn keeps its state (the folder itself when .knn/ does not exist yet, so nothing is created).</summary>
    private CheckResult CheckFolder()
    {
        var where = Directory.Exists(settings.StateDirectory) ? settings.StateDirectory : settings.WorkingDirectory;
        var probe = Path.Combine(where, $".knn-doctor-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(probe, "knn doctor");
            File.Delete(probe);
            return CheckResult.Pass("folder", $"{where} is writable");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail("folder", $"cannot write in {where}: {ErrorText.Excerpt(e.Message)}",
                "run knn in a folder you may write to, or fix the folder's permissions (knn keeps its state, store and endpoints under .knn/)");
        }
    }

    /// <summary>knn serve with no --port listens on 8080 (or SAGEMAKER_BIND_TO_PORT); knn deploy picks a free port itself.</summary>
    private CheckResult CheckServePort()
    {
        int port;
        try
        {
            port = ServerOptions.FromEnvironment(null, null, environment).Port;
        }
        catch (InputException e)
        {
            return CheckResult.Fail("port", e.Message.TrimEnd('.'), $"set {ServerOptions.SageMakerPortVariable} to a port number, or unset it");
        }
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return CheckResult.Pass("port", $"127.0.0.1:{port}, where knn serve listens by default, is free");
        }
        catch (SocketException)
        {
            return CheckResult.Warn("port", $"127.0.0.1:{port}, where knn serve listens by default, is in use",
                "pass knn serve --port N (knn deploy picks a free port by itself)");
        }
    }
}
