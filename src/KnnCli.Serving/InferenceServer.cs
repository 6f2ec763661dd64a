using System.Net;
using System.Runtime.InteropServices;
using KnnCli.Core.Errors;
using KnnCli.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnnCli.Serving;

/// <summary>
/// `knn serve`: a SageMaker-container-compatible inference server (GET /ping, POST /invocations) on Kestrel.
/// Nothing is logged per request; shutdown is graceful (in-flight requests finish).
/// </summary>
public sealed class InferenceServer : IAsyncDisposable
{
    /// <summary>SageMaker's real-time request limit (6 MB): a larger /invocations body gets 413.</summary>
    public const int MaxPayloadBytes = 6 * 1024 * 1024;

    /// <summary>How long a graceful shutdown waits for in-flight requests (SageMaker answers within 60 s).</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly AsyncInvocationQueue? _queue;
    private int _stopped;

    private InferenceServer(WebApplication app, AsyncInvocationQueue? queue, string address)
    {
        _app = app;
        _queue = queue;
        Address = new Uri(address);
        ListeningMessage = $"Listening on {address}";
    }

    /// <summary>The bound address, e.g. http://127.0.0.1:43127 (the real port when 0 was asked for).</summary>
    public Uri Address { get; }

    /// <summary>
    /// "Listening on http://127.0.0.1:PORT": the one line `knn serve` prints to stdout once started; the local
    /// target's deploy reads the port from it.
    /// </summary>
    public string ListeningMessage { get; }

    /// <summary>Starts Kestrel and returns once it is listening (GET /ping answers 200).</summary>
    /// <exception cref="InputException">The host is not an IP address or localhost, or the port cannot be bound.</exception>
    public static Task<InferenceServer> StartAsync(KnnModel model, ServerOptions options, CancellationToken cancellationToken) =>
        StartAsync(new SingleModelCatalog(model), options, cancellationToken);

    /// <summary>Starts a server for the models of <paramref name="catalog"/>, each under its endpoint name.</summary>
    public static async Task<InferenceServer> StartAsync(IModelCatalog catalog, ServerOptions options, CancellationToken cancellationToken)
    {
        var endpoint = new IPEndPoint(ParseHost(options.Host), options.Port);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        // Only errors are logged, to options.ErrorLog (stderr by default: stdout carries the listening line).
        // Hosting's per-request diagnostics are off: with any of its levels enabled it opens a logging scope for
        // every request (about 800 bytes allocated each).
        builder.Logging.ClearProviders()
            .SetMinimumLevel(LogLevel.Error)
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None)
            // A failed start (port in use) is reported once, as one line, by the caller of StartAsync; the host
            // would log it first with Kestrel's whole stack trace.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)
            .AddProvider(new ErrorLogProvider(options.ErrorLog ?? Console.Error));
        builder.Services.AddSingleton<IHostLifetime, ExplicitLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint);
        });
        var app = builder.Build();
        var application = new InferenceApplication(catalog, options.Async, options.ErrorLog ?? Console.Error);
        var queue = application.Queue;
        app.Run(application.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            if (queue is not null) await queue.DisposeAsync();
            await app.DisposeAsync();
            throw new InputException($"Cannot listen on {options.Host}:{options.Port}: {e.Message.TrimEnd('.')}; pass another --port, or --port 0 for any free one.", e);
        }
        catch
        {
            if (queue is not null) await queue.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new InferenceServer(app, queue, address);
    }

    /// <summary>
    /// Returns once the server has stopped: on <paramref name="cancellationToken"/>, SIGTERM or SIGINT it stops
    /// accepting connections and lets in-flight requests finish (up to <see cref="ShutdownTimeout"/>).
    /// </summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        using (var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _app.Lifetime.ApplicationStopping))
        {
            var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var onShutdown = shutdown.Token.Register(() => requested.TrySetResult());
            // Declared after the token source, so they are removed before it is disposed.
            using var onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using var onSigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            await requested.Task;

            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true; // stop gracefully instead of the runtime's immediate exit
                requested.TrySetResult();
            }
        }
        await StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        await _app.StopAsync(CancellationToken.None);
        // After Kestrel: no request can queue more; the invocations in progress finish.
        if (_queue is not null) await _queue.DisposeAsync();
    }

    private static IPAddress ParseHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        return IPAddress.TryParse(host, out var address)
            ? address
            : throw new InputException($"Host '{host}' is not an IP address: use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or another address.");
    }

    /// <summary>
    /// The host's default lifetime would take over Ctrl+C and SIGTERM for the whole process as soon as a server
    /// starts (also inside tests); signals are handled by <see cref="WaitForShutdownAsync"/> instead.
    /// </summary>
    private sealed class ExplicitLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
