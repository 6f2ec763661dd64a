using System.Collections.Concurrent;
using System.Text.Json;

namespace KnnCli.Targets.SageMaker.Tests.Fixtures;

/// <summary>Checks every AWS JSON 1.1 request that passes against the official model of its service, then sends it on.</summary>
public sealed class ModelCheckingHandler(ConcurrentBag<string> violations, ConcurrentBag<string> operations, ConcurrentQueue<(string Target, string Body)> bodies, HttpMessageHandler inner) : DelegatingHandler(inner)
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
                ["AnyScaleFrontendService", var op] => (ServiceModel.Load("application-autoscaling"), op),
                ["GraniteServiceVersion20100801", var op] => (ServiceModel.Load("cloudwatch"), op),
                _ => throw new InvalidOperationException($"Unknown target {target}"),
            };
            operations.Add(target);
            var bytes = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            bodies.Enqueue((target, System.Text.Encoding.UTF8.GetString(bytes)));
            using var body = JsonDocument.Parse(bytes);
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

    /// <summary>Every JSON request body sent, in order, by X-Amz-Target.</summary>
    public ConcurrentQueue<(string Target, string Body)> Bodies { get; } = [];

    /// <summary>The last body sent for an operation (e.g. "SageMaker.CreateTrainingJob"), parsed.</summary>
    public JsonElement LastBody(string target) =>
        JsonDocument.Parse(Bodies.Last(b => b.Target == target).Body).RootElement;

    public HttpMessageHandler Create(Func<HttpMessageHandler, HttpMessageHandler>? faults = null)
    {
        HttpMessageHandler sockets = new SocketsHttpHandler { AllowAutoRedirect = false };
        return new ModelCheckingHandler(Violations, Operations, Bodies, faults is null ? sockets : faults(sockets));
    }
}
