using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace KnnCli.Serving.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_lets_an_in_flight_request_finish()
    {
        await using var server = await InferenceServer.StartAsync(TestModel.Create(), new ServerOptions { Port = 0 }, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var stopped = server.WaitForShutdownAsync(stop.Token);

        // Expect: 100-continue holds the body back until the server's handler asks for it, so once the first half
        // is sent the request is provably inside the server.
        using var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = server.Address };
        var body = new GatedContent("0,0,", "0,0\n");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = body };
        request.Headers.ExpectContinue = true;
        var responding = client.SendAsync(request);
        await body.FirstPartSent;

        stop.Cancel();
        await WaitUntilConnectionsAreRefusedAsync(server.Address);
        Assert.False(stopped.IsCompleted, "The server stopped before its in-flight request finished.");
        body.SendRest();

        using var response = await responding;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"predictions":[{"predicted_label":1.0}]}""", await response.Content.ReadAsStringAsync());
        await stopped;
    }

    [Fact]
    public async Task A_stopped_server_refuses_connections()
    {
        await using var server = await InferenceServer.StartAsync(TestModel.Create(), new ServerOptions { Port = 0 }, CancellationToken.None);

        await server.WaitForShutdownAsync(new CancellationToken(canceled: true));

        using var client = new HttpClient { BaseAddress = server.Address };
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/ping"));
    }

    /// <summary>Shutdown has begun once the listener is closed; polls a bounded number of times.</summary>
    private static async Task WaitUntilConnectionsAreRefusedAsync(Uri address)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(address.Host, address.Port);
            }
            catch (SocketException)
            {
                return;
            }
            await Task.Delay(20);
        }
        Assert.Fail("The server kept accepting connections after shutdown was requested.");
    }

    /// <summary>A body sent in two parts: the second only when the test says so.</summary>
    private sealed class GatedContent : HttpContent
    {
        private readonly TaskCompletionSource _firstPartSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _sendRest = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly byte[] _first;
        private readonly byte[] _rest;

        public GatedContent(string first, string rest)
        {
            _first = Encoding.UTF8.GetBytes(first);
            _rest = Encoding.UTF8.GetBytes(rest);
            Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        }

        public Task FirstPartSent => _firstPartSent.Task;

        public void SendRest() => _sendRest.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_first);
            await stream.FlushAsync();
            _firstPartSent.TrySetResult();
            await _sendRest.Task;
            await stream.WriteAsync(_rest);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _first.Length + _rest.Length;
            return true;
        }
    }
}
