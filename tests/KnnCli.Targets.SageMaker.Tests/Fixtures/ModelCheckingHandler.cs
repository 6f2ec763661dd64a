using System.Collections.Concurrent;
using System.Text.Json;

namespace KnnCli.Targets.SageMaker.Tests.Fixtures;

/// <summary>Checks every AWS JSON 1.1 request that passes against the official model of its service, then sends it on.</summary>
public sealed class ModelCheckingHandler(ConcurrentBag<string> violations, ConcurrentBag<string> operations, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues("X-Amz-Target", out var targets) && request.Content is not null)
        {
            var target = targets.Single();
            var (model, operation) = target.Split('.') switch
            {
                ["SageMaker", var op] => (ServiceModel.SageMaker, op),
                ["Logs_20140328", var op] => (ServiceModel.Logs, op),
                _ => throw new InvalidOperationException($"Unknown target {target}"),
            };
            operations.Add(target);
            using var body = JsonDocument.Parse(await request.Content.ReadAsByteArrayAsync(cancellationToken));
            foreach (var error in model.ValidateInput(operation, body.RootElement)) violations.Add(error);
        }
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>A transport that checks requests against the models, with an optional fault injector beneath it.</summary>
public sealed class CheckedTransport
{
    public ConcurrentBag<string> Violations { get; } = [];

    public ConcurrentBag<string> Operations { get; } = [];

    public HttpMessageHandler Create(Func<HttpMessageHandler, HttpMessageHandler>? faults = null)
    {
        HttpMessageHandler sockets = new SocketsHttpHandler { AllowAutoRedirect = false };
        return new ModelCheckingHandler(Violations, Operations, faults is null ? sockets : faults(sockets));
    }
}
