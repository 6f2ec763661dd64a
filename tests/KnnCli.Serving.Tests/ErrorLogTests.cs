using System.Net;
using KnnCli.Engine;
using KnnCli.Engine.Index;

namespace KnnCli.Serving.Tests;

public sealed class ErrorLogTests
{
    [Fact]
    public async Task A_failure_inside_the_server_is_a_500_and_one_line_in_the_error_log()
    {
        var model = new KnnModel(new FailingIndex(), [0f], new ModelMetadata { K = 1, PredictorType = "classifier" });
        using var log = new StringWriter();
        await using var server = await InferenceServer.StartAsync(model, new ServerOptions { Port = 0, ErrorLog = log }, CancellationToken.None);
        using var client = new HttpClient { BaseAddress = server.Address };

        using var response = await client.PostAsync("/invocations", new StringContent("1,2", null, "text/csv"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        await server.DisposeAsync();
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("The index is broken.", lines[0]);
    }

    [Fact]
    public async Task Refused_requests_leave_the_error_log_empty()
    {
        using var log = new StringWriter();
        await using (var server = await InferenceServer.StartAsync(TestModel.Create(), new ServerOptions { Port = 0, ErrorLog = log }, CancellationToken.None))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            using (await client.PostAsync("/invocations", new StringContent("{", null, "application/json"))) { }
            using (await client.PostAsync("/invocations", new StringContent(TestModel.CsvBody, null, "text/csv"))) { }
            using (await client.GetAsync("/nowhere")) { }
        }

        Assert.Equal("", log.ToString());
    }

    /// <summary>An index whose search fails, standing in for a bug behind /invocations.</summary>
    private sealed class FailingIndex : IKnnIndex
    {
        public int Dimension => 2;

        public int Count => 1;

        public IndexMetric Metric => IndexMetric.L2;

        public void Search(ReadOnlySpan<float> queries, int k, Span<float> distances, Span<int> ids, SearchParameters? parameters = null) =>
            throw new InvalidOperationException("The index is broken.");
    }
}
