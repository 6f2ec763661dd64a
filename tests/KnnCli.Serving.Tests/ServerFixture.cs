namespace KnnCli.Serving.Tests;

/// <summary>A real <see cref="InferenceServer"/> on 127.0.0.1 (a free port) serving <see cref="TestModel"/>.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private InferenceServer? _server;

    public InferenceServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await InferenceServer.StartAsync(TestModel.Create(), new ServerOptions { Port = 0 }, CancellationToken.None);
        Client = new HttpClient { BaseAddress = _server.Address };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>POSTs <paramref name="body"/> to /invocations with the headers given verbatim (null: header absent).</summary>
    public async Task<HttpResponseMessage> InvokeAsync(byte[] body, string? contentType, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        return await Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> InvokeAsync(string body, string? contentType, string? accept = null) =>
        InvokeAsync(System.Text.Encoding.UTF8.GetBytes(body), contentType, accept);
}
