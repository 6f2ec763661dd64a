using Microsoft.AspNetCore.Http;

namespace KnnCli.Serving.Contract;

/// <summary>A request the contract refuses: the status code (400, 406, 413, 415) and a one-line reason for the body.</summary>
internal sealed class InvalidRequestException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static InvalidRequestException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
}
