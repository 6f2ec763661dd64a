using System.Net;

namespace KnnCli.Serving.Tests;

/// <summary>Every refusal the contract defines, over real HTTP: the right status and a one-line reason.</summary>
public sealed class ErrorTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("text/csv", "0,0,0\n", "has 3 features; the model expects 4")]
    [InlineData("text/csv", "0,0,0,0\n0,0,0,0,0\n", "row 2 has 5 features")]
    [InlineData("text/csv", "sepal_length,sepal_width,petal_length,petal_width\n0,0,0,0", "'sepal_length' is not a number")]
    [InlineData("text/csv", "0,NaN,0,0", "'NaN' is not a finite number")]
    [InlineData("text/csv", "0,0,Infinity,0", "'Infinity' is not a finite number")]
    [InlineData("text/csv", "0,0,-inf,0", "row 1, column 3")]
    [InlineData("text/csv", "1e39,0,0,0", "'1e39' is not a finite number")]
    [InlineData("text/csv", "0,,0,0", "column 2")]
    [InlineData("text/csv", "", "no rows")]
    [InlineData("text/csv", "\n\r\n  \n", "no rows")]
    [InlineData("text/csv; label_size=x", "0,0,0,0", "label_size")]
    [InlineData("application/json", "{", "Malformed JSON")]
    [InlineData("application/json", "", "Malformed JSON")]
    [InlineData("application/json", """{"instances":[{"features":[0,0,0]}]}""", "instance 1 has 3 features; the model expects 4")]
    [InlineData("application/json", """{"instances":[{"features":[0,0,"0",0]}]}""", "feature 3 is not a number")]
    [InlineData("application/json", """{"instances":[{"features":[0,0,1e39,0]}]}""", "not a finite float32")]
    [InlineData("application/json", """{"instances":[{"features":[0,0,NaN,0]}]}""", "Malformed JSON")]
    [InlineData("application/json", """{"instances":[[0,0,0,0]]}""", "instance 1 is not an object")]
    [InlineData("application/json", """{"instances":[{"label":1}]}""", "has no \"features\"")]
    [InlineData("application/json", """{"instances":[{"features":[0,0,0,0],"data":{"features":{"values":[0,0,0,0]}}}]}""", "gives its features twice")]
    [InlineData("application/json", """{"instances":[{"data":{"features":{"keys":[0],"shape":[4],"values":[1]}}}]}""", "sparse")]
    [InlineData("application/json", """{"rows":[]}""", "no \"instances\" array")]
    [InlineData("application/json", """{"instances":[]}""", "no rows")]
    [InlineData("application/json", """{"instances":[]} []""", "Malformed JSON")]
    [InlineData("application/jsonlines", "{\"features\":[0,0,0,0]}\n{\"features\":[0,0,0,0]", "line 2")]
    [InlineData("application/jsonlines", "{\"features\":[0,0,0,0]} {\"features\":[0,0,0,0]}", "Malformed JSON on line 1")]
    [InlineData("application/jsonlines", "[0,0,0,0]", "line 1 is not an object")]
    public async Task Bad_input_is_a_400_with_a_one_line_reason(string contentType, string body, string reason)
    {
        using var response = await fixture.InvokeAsync(body, contentType);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, text);
        Assert.DoesNotContain('\n', text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("text/csv; charset=utf-16")]
    public async Task An_unsupported_content_type_is_a_415(string? contentType)
    {
        using var response = await fixture.InvokeAsync(TestModel.CsvBody, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.DoesNotContain('\n', await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("text/csv")]
    [InlineData("application/json;q=0")]
    [InlineData("text/html, application/xml;q=0.9")]
    public async Task An_unsupported_accept_is_a_406(string accept)
    {
        using var response = await fixture.InvokeAsync(TestModel.CsvBody, "text/csv", accept);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("application/jsonlines", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_over_6_MB_is_a_413()
    {
        var body = new byte[InferenceServer.MaxPayloadBytes + 1];
        Array.Fill(body, (byte)'0');

        using var response = await fixture.InvokeAsync(body, "text/csv", null);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("6,291,456 bytes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_chunked_body_over_6_MB_is_a_413()
    {
        var body = new byte[InferenceServer.MaxPayloadBytes + 4096];
        Array.Fill(body, (byte)'1');
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = new StreamContent(new MemoryStream(body)) };
        request.Headers.TransferEncodingChunked = true;
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "text/csv");

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_path_is_a_404()
    {
        using var response = await fixture.Client.GetAsync("/predict");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_on_invocations_is_a_405()
    {
        using var response = await fixture.Client.GetAsync("/invocations");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task The_server_answers_normally_after_refusals()
    {
        using (await fixture.InvokeAsync("{", "application/json")) { }
        using (await fixture.InvokeAsync("x", "text/plain")) { }

        using var response = await fixture.InvokeAsync(TestModel.CsvBody, "text/csv");

        Assert.Equal(TestModel.JsonResponse, await response.Content.ReadAsStringAsync());
    }
}
