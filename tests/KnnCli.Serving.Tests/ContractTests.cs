using System.Net;

namespace KnnCli.Serving.Tests;

/// <summary>SageMaker's k-NN inference contract over real HTTP: every request type with every response type.</summary>
public sealed class ContractTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string, string?, string, string> EveryContentTypeAndAccept()
    {
        var requests = new (string ContentType, string Body)[]
        {
            ("text/csv", TestModel.CsvBody),
            ("application/json", TestModel.JsonBody),
            ("application/jsonlines", TestModel.JsonLinesBody),
        };
        var accepts = new (string? Accept, string ResponseType, string Body)[]
        {
            (null, "application/json", TestModel.JsonResponse),
            ("*/*", "application/json", TestModel.JsonResponse),
            ("application/json", "application/json", TestModel.JsonResponse),
            ("application/json; verbose=true", "application/json", TestModel.VerboseJsonResponse),
            ("application/jsonlines", "application/jsonlines", TestModel.JsonLinesResponse),
            ("application/jsonlines;verbose=true", "application/jsonlines", TestModel.VerboseJsonLinesResponse),
        };
        var data = new TheoryData<string, string, string?, string, string>();
        foreach (var (contentType, body) in requests)
            foreach (var (accept, responseType, expected) in accepts)
                data.Add(contentType, body, accept, responseType, expected);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryContentTypeAndAccept))]
    public async Task Every_request_type_answers_every_accept(string contentType, string body, string? accept, string responseType, string expected)
    {
        using var response = await fixture.InvokeAsync(body, contentType, accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(responseType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ping_answers_200_once_the_model_is_loaded()
    {
        using var response = await fixture.Client.GetAsync("/ping");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("text/csv; charset=utf-8")]
    [InlineData("text/csv;label_size=0")]
    [InlineData("TEXT/CSV; Charset=\"UTF-8\"; label_size=0")]
    public async Task Csv_content_type_parameters_are_tolerated(string contentType)
    {
        using var response = await fixture.InvokeAsync(TestModel.CsvBody, contentType);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestModel.JsonResponse, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", TestModel.JsonBody)]
    [InlineData("application/jsonlines; charset=UTF-8", TestModel.JsonLinesBody)]
    public async Task Json_content_type_parameters_are_tolerated(string contentType, string body)
    {
        using var response = await fixture.InvokeAsync(body, contentType);

        Assert.Equal(TestModel.JsonResponse, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Csv_label_size_skips_leading_label_columns()
    {
        using var response = await fixture.InvokeAsync("9,0,0,0,0\r\n7,5,5,5,5", "text/csv; label_size=1");

        Assert.Equal(TestModel.JsonResponse, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Json_instances_may_mix_both_forms_and_carry_other_properties()
    {
        const string body = """
            {"model": "ignored", "instances": [
              {"data": {"features": {"values": [5, 5, 5, 5]}}, "id": 7},
              {"features": [0.0, 0e0, -0, 0]},
              {"data": {"features": {"values": [5.0, 5, 5, 5e0]}}}
            ]}
            """;

        using var response = await fixture.InvokeAsync(body, "application/json");

        Assert.Equal("""{"predictions":[{"predicted_label":2.0},{"predicted_label":1.0},{"predicted_label":2.0}]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Accept_takes_the_highest_quality_supported_type()
    {
        using var response = await fixture.InvokeAsync(TestModel.CsvBody, "text/csv", "application/x-recordio-protobuf, application/json;q=0.5, application/jsonlines;q=0.9");

        Assert.Equal("application/jsonlines", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TestModel.JsonLinesResponse, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_batch_keeps_row_order()
    {
        var rows = Enumerable.Range(0, 250).Select(i => i % 2 == 0 ? "0,0,0,0" : "5,5,5,5");
        var expected = string.Concat(Enumerable.Range(0, 250).Select(i => i % 2 == 0 ? "{\"predicted_label\":1.0}\n" : "{\"predicted_label\":2.0}\n"));

        using var response = await fixture.InvokeAsync(string.Join('\n', rows), "text/csv", "application/jsonlines");

        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_of_exactly_6_MB_is_accepted()
    {
        var row = "0,0,0,0\n"u8.ToArray();
        var body = new byte[InferenceServer.MaxPayloadBytes];
        for (var i = 0; i < body.Length; i += row.Length) row.CopyTo(body, i);

        using var response = await fixture.InvokeAsync(body, "text/csv", "application/jsonlines");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length / row.Length, text.Count(c => c == '\n'));
    }
}
