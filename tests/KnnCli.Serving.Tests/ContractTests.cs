using System.Buffers;
using System.Net;
using System.Text;
using KnnCli.Core.Formats;

namespace KnnCli.Serving.Tests;

/// <summary>SageMaker's k-NN inference contract over real HTTP: every request type with every response type.</summary>
public sealed class ContractTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, byte[], string?, string, byte[]> EveryContentTypeAndAccept()
    {
        var requests = new (string ContentType, byte[] Body)[]
        {
            ("text/csv", Encoding.UTF8.GetBytes(TestModel.CsvBody)),
            ("application/json", Encoding.UTF8.GetBytes(TestModel.JsonBody)),
            ("application/jsonlines", Encoding.UTF8.GetBytes(TestModel.JsonLinesBody)),
            ("application/x-recordio-protobuf", TestModel.RecordIoBody()),
        };
        var accepts = new (string? Accept, string ResponseType, byte[] Body)[]
        {
            (null, "application/json", Encoding.UTF8.GetBytes(TestModel.JsonResponse)),
            ("*/*", "application/json", Encoding.UTF8.GetBytes(TestModel.JsonResponse)),
            ("application/json", "application/json", Encoding.UTF8.GetBytes(TestModel.JsonResponse)),
            ("application/json; verbose=true", "application/json", Encoding.UTF8.GetBytes(TestModel.VerboseJsonResponse)),
            ("application/jsonlines", "application/jsonlines", Encoding.UTF8.GetBytes(TestModel.JsonLinesResponse)),
            ("application/jsonlines;verbose=true", "application/jsonlines", Encoding.UTF8.GetBytes(TestModel.VerboseJsonLinesResponse)),
            ("application/x-recordio-protobuf", "application/x-recordio-protobuf", TestModel.RecordIoResponse(verbose: false)),
            ("application/x-recordio-protobuf; verbose=true", "application/x-recordio-protobuf", TestModel.RecordIoResponse(verbose: true)),
        };
        var data = new TheoryData<string, byte[], string?, string, byte[]>();
        foreach (var (contentType, body) in requests)
            foreach (var (accept, responseType, expected) in accepts)
                data.Add(contentType, body, accept, responseType, expected);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryContentTypeAndAccept))]
    public async Task Every_request_type_answers_every_accept(string contentType, byte[] body, string? accept, string responseType, byte[] expected)
    {
        using var response = await fixture.InvokeAsync(body, contentType, accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(responseType, response.Content.Headers.ContentType?.MediaType);
        var answer = await response.Content.ReadAsByteArrayAsync();
        if (responseType == "application/x-recordio-protobuf") Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(answer));
        else Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(answer));
    }

    [Fact]
    public async Task A_verbose_recordio_response_carries_each_rows_neighbour_labels_and_distances()
    {
        using var response = await fixture.InvokeAsync(TestModel.RecordIoBody(), "application/x-recordio-protobuf", "application/x-recordio-protobuf; verbose=true");

        var records = RecordProtobuf.ParseAll(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, records.Count);
        Assert.Empty(records[0].Features);
        Assert.Equal([1f], records[0].Label["predicted_label"].Values);
        Assert.Equal([0f, 1f, 4f], records[0].Label["distances"].Values);
        Assert.Equal([0f, 1f, 1f], records[0].Label["labels"].Values);
        Assert.Equal([2f], records[1].Label["predicted_label"].Values);
        Assert.Equal([0f, 79f, 84f], records[1].Label["distances"].Values);
        Assert.Equal([2f, 2f, 1f], records[1].Label["labels"].Values);
    }

    [Fact]
    public async Task A_sparse_recordio_row_is_read_as_its_dense_vector()
    {
        // [5,5,5,5] as keys 0..3 with shape [4]; [0,0,0,0] as no keys at all.
        var body = new ArrayBufferWriter<byte>();
        RecordProtobuf.WriteFramed(body, new ProtobufRecord(new Dictionary<string, Float32Tensor> { ["values"] = new([5f, 5f, 5f, 5f], [3, 2, 1, 0], [4]) }, new Dictionary<string, Float32Tensor>()));
        RecordProtobuf.WriteFramed(body, new ProtobufRecord(new Dictionary<string, Float32Tensor> { ["values"] = new([], [], [4]) }, new Dictionary<string, Float32Tensor>()));

        using var response = await fixture.InvokeAsync(body.WrittenSpan.ToArray(), "application/x-recordio-protobuf", "application/json");

        Assert.Equal("""{"predictions":[{"predicted_label":2.0},{"predicted_label":1.0}]}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("not recordio at all", "expected the magic number")]
    [InlineData("", "holds no rows")]
    public async Task A_bad_recordio_body_is_a_400_with_the_reason(string body, string reason)
    {
        using var response = await fixture.InvokeAsync(body, "application/x-recordio-protobuf");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_recordio_row_with_the_wrong_feature_count_is_a_400()
    {
        var body = new ArrayBufferWriter<byte>();
        RecordProtobuf.WriteFramedDense(body, [1f, 2f, 3f], label: null);

        using var response = await fixture.InvokeAsync(body.WrittenSpan.ToArray(), "application/x-recordio-protobuf", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("RecordIO record 1's features has 3 values; 4 were expected.", await response.Content.ReadAsStringAsync());
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
        using var response = await fixture.InvokeAsync(TestModel.CsvBody, "text/csv", "text/html, application/json;q=0.5, application/jsonlines;q=0.9");

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
