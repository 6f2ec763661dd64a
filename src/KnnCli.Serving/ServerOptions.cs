using System.Globalization;
using KnnCli.Core.Errors;

namespace KnnCli.Serving;

/// <summary>Where the inference server listens.</summary>
public sealed record ServerOptions
{
    /// <summary>SageMaker's default container port.</summary>
    public const int DefaultPort = 8080;

    /// <summary>Set by SageMaker when the container must listen on another port than 8080.</summary>
    public const string SageMakerPortVariable = "SAGEMAKER_BIND_TO_PORT";

    /// <summary>
    /// Lets a container bind every interface (the Dockerfile sets it to 0.0.0.0) while `knn serve` with no option
    /// stays on loopback: SageMaker runs `docker run image serve` and passes no host option.
    /// </summary>
    public const string HostVariable = "KNN_SERVE_HOST";

    public const string DefaultHost = "127.0.0.1";

    public string Host { get; init; } = DefaultHost;

    /// <summary>0 means any free port; <see cref="InferenceServer.Address"/> tells which one was bound.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Where unexpected server errors are written, one line each; standard error when null.</summary>
    public TextWriter? ErrorLog { get; init; }

    /// <summary>When set, an asynchronous endpoint: InvokeEndpointAsync queues requests; InvokeEndpoint is refused.</summary>
    public AsyncInferenceOptions? Async { get; init; }

    /// <summary>
    /// Resolves `knn serve` options: an explicit option wins, then the environment (KNN_SERVE_HOST,
    /// SAGEMAKER_BIND_TO_PORT), then SageMaker's defaults (127.0.0.1 here, port 8080).
    /// </summary>
    /// <param name="environment">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> when null.</param>
    public static ServerOptions FromEnvironment(string? host, int? port, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var resolvedHost = host ?? NonEmpty(environment(HostVariable)) ?? DefaultHost;
        var resolvedPort = port ?? ParsePort(NonEmpty(environment(SageMakerPortVariable))) ?? DefaultPort;
        if (resolvedPort is < 0 or > 65535)
            throw new InputException($"Port {resolvedPort} is out of range: use 0 (any free port) to 65535.");
        return new ServerOptions { Host = resolvedHost, Port = resolvedPort };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static int? ParsePort(string? value)
    {
        if (value is null) return null;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw new InputException($"{SageMakerPortVariable}='{value}' is not a port number (0 to 65535).");
    }
}
