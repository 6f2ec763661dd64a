using KnnCli.Core.Targets;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>Under --dry-run, every mutating request is printed (operation, URL, body; never credentials) instead of sent.</summary>
internal sealed class DryRunLog(IWorkflowLog log)
{
    public void Print(string service, string operation, string method, Uri url, string? body) =>
        log.Info(body is null
            ? $"[dry-run] {service} {operation}: {method} {url}"
            : $"[dry-run] {service} {operation}: {method} {url} {body}");
}
