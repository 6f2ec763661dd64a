using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace KnnCli.Targets.SageMaker.Tests.Fixtures;

/// <summary>
/// Answers SageMaker operations moto lacks (ListTrainingJobsForHyperParameterTuningJob, StopHyperParameterTuningJob)
/// or whose answers a test must choose, with canned JSON replies, each checked against the operation's output shape
/// in the official model first; every other request goes on to the real server.
/// </summary>
public sealed class RecordedResponses
{
    private readonly ConcurrentDictionary<string, Func<int, string?>> _replies = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();

    /// <summary>Reply violations of the output shapes (empty when every reply conforms).</summary>
    public ConcurrentBag<string> Violations { get; } = [];

    /// <summary>Answers "SageMaker.&lt;operation&gt;" with the reply for its nth call (1-based); a null reply lets that call through.</summary>
    public RecordedResponses Answer(string operation, Func<int, string?> reply)
    {
        _replies[$"SageMaker.{operation}"] = reply;
        return this;
    }

    public RecordedResponses Answer(string operation, string reply) => Answer(operation, _ => reply);

    public int Calls(string operation) => _calls.GetValueOrDefault($"SageMaker.{operation}");

    public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Handler(this, inner);

    private sealed class Handler(RecordedResponses responses, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("X-Amz-Target", out var targets) && responses._replies.TryGetValue(targets.Single(), out var reply))
            {
                var target = targets.Single();
                var call = responses._calls.AddOrUpdate(target, 1, (_, n) => n + 1);
                if (reply(call) is { } json)
                {
                    var operation = target["SageMaker.".Length..];
                    var errors = new List<string>();
                    using (var document = JsonDocument.Parse(json))
                    {
                        if (ServiceModel.SageMaker.OutputShape(operation) is { } shape) ServiceModel.SageMaker.Validate(shape, document.RootElement, operation, errors);
                    }
                    foreach (var error in errors) responses.Violations.Add(error);
                    return new HttpResponseMessage(HttpStatusCode.OK)
                    {
                        Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1"),
                        RequestMessage = request,
                    };
                }
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
