using KnnCli.Core.Workflow;

namespace KnnCli.Core.Tests;

public sealed class PredictBatchingTests
{
    /// <summary>25,000 rows of forty "1.25": 200 bytes of CSV a row, 5,000,000 bytes in all (over 4 MB, under 5 MiB).</summary>
    private static readonly List<float[]> Rows = Enumerable.Range(0, 25_000).Select(_ => Enumerable.Repeat(1.25f, 40).ToArray()).ToList();

    [Theory]
    [InlineData("text/csv")]
    [InlineData("application/json")]
    [InlineData("application/jsonlines")]
    [InlineData("application/x-recordio-protobuf")]
    public void Serverless_batches_stay_within_4_MB_and_cover_every_row_in_order(string contentType)
    {
        var batches = PredictWorkflow.Batches(Rows, 25_000, contentType, PredictWorkflow.MaxServerlessPayloadBytes).ToList();

        Assert.All(batches, b => Assert.InRange(b.Body.Length, 1, 4_000_000));
        Assert.Equal(Enumerable.Range(0, Rows.Count), batches.SelectMany(b => Enumerable.Range(b.Start, b.Count)));
    }

    [Fact]
    public void Real_time_batches_may_be_larger_than_a_serverless_endpoint_takes()
    {
        var batches = PredictWorkflow.Batches(Rows, 25_000, "text/csv", PredictWorkflow.MaxPayloadBytes).ToList();

        Assert.Equal(5_000_000, Assert.Single(batches).Body.Length);
    }
}
