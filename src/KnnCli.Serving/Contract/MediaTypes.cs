using System.Globalization;
using KnnCli.Core.Workflow;
using Microsoft.AspNetCore.Http;

namespace KnnCli.Serving.Contract;

internal enum RequestFormat { Csv, Json, JsonLines, RecordIo }

internal enum ResponseKind { Json, JsonLines, RecordIo }

/// <summary>What the Accept header asked for: JSON, JSON Lines or RecordIO-protobuf, with or without neighbours (verbose).</summary>
internal readonly record struct ResponseFormat(ResponseKind Kind, bool Verbose)
{
    public string ContentType => Kind switch
    {
        ResponseKind.JsonLines => MediaTypes.JsonLines,
        ResponseKind.RecordIo => MediaTypes.RecordIo,
        _ => MediaTypes.Json,
    };
}

/// <summary>
/// Content-Type and Accept as SageMaker's k-NN container reads them. Parsed over spans so a request costs no
/// allocation; parameters (charset, label_size, verbose, q) are matched case-insensitively.
/// </summary>
internal static class MediaTypes
{
    public const string Csv = InferencePayloads.Csv;
    public const string Json = InferencePayloads.Json;
    public const string JsonLines = InferencePayloads.JsonLines;
    public const string RecordIo = InferencePayloads.RecordIo;
    private const string Supported = $"{Csv}, {Json}, {JsonLines} or {RecordIo}";

    /// <returns>The request format; <paramref name="labelColumns"/> is CSV's label_size (leading columns to skip).</returns>
    public static RequestFormat ParseContentType(string? header, out int labelColumns)
    {
        labelColumns = 0;
        if (string.IsNullOrWhiteSpace(header))
            throw new InvalidRequestException(StatusCodes.Status415UnsupportedMediaType, $"A Content-Type is required: {Supported}.");
        var mediaType = Split(header, out var parameters);
        RequestFormat format;
        if (mediaType.Equals(Csv, StringComparison.OrdinalIgnoreCase)) format = RequestFormat.Csv;
        else if (mediaType.Equals(Json, StringComparison.OrdinalIgnoreCase)) format = RequestFormat.Json;
        else if (mediaType.Equals(JsonLines, StringComparison.OrdinalIgnoreCase)) format = RequestFormat.JsonLines;
        else if (mediaType.Equals(RecordIo, StringComparison.OrdinalIgnoreCase)) format = RequestFormat.RecordIo;
        else
            throw new InvalidRequestException(StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{Printable(header)}' is not supported: send {Supported}.");

        if (TryGetParameter(parameters, "charset", out var charset) && !IsUtf8Compatible(charset))
            throw new InvalidRequestException(StatusCodes.Status415UnsupportedMediaType, $"charset '{Printable(charset)}' is not supported: send UTF-8.");
        if (format == RequestFormat.Csv && TryGetParameter(parameters, "label_size", out var labelSize)
            && !(int.TryParse(labelSize, NumberStyles.None, CultureInfo.InvariantCulture, out labelColumns) && labelColumns <= 1024))
            throw InvalidRequestException.BadRequest($"label_size '{Printable(labelSize)}' is not a small non-negative integer.");
        return format;
    }

    /// <summary>
    /// Picks the best supported entry of an Accept header (highest q, first on a tie). None, empty, */* and
    /// application/* mean JSON.
    /// </summary>
    public static ResponseFormat ParseAccept(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return new ResponseFormat(ResponseKind.Json, Verbose: false);
        ResponseFormat? best = null;
        var bestQuality = 0.0;
        var text = header.AsSpan();
        foreach (var range in text.Split(','))
        {
            var mediaType = Split(text[range], out var parameters);
            ResponseKind kind;
            if (mediaType.Equals(JsonLines, StringComparison.OrdinalIgnoreCase)) kind = ResponseKind.JsonLines;
            else if (mediaType.Equals(RecordIo, StringComparison.OrdinalIgnoreCase)) kind = ResponseKind.RecordIo;
            else if (mediaType.Equals(Json, StringComparison.OrdinalIgnoreCase) || mediaType is "*/*" || mediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase)) kind = ResponseKind.Json;
            else continue;
            var quality = 1.0;
            if (TryGetParameter(parameters, "q", out var q) && !double.TryParse(q, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quality)) continue;
            if (quality <= bestQuality) continue;
            var verbose = TryGetParameter(parameters, "verbose", out var v) && v.Equals("true", StringComparison.OrdinalIgnoreCase);
            best = new ResponseFormat(kind, verbose);
            bestQuality = quality;
        }
        return best ?? throw new InvalidRequestException(StatusCodes.Status406NotAcceptable,
            $"Accept '{Printable(header)}' is not supported: ask for {Json}, {JsonLines} or {RecordIo} (optionally with '; verbose=true').");
    }

    private static ReadOnlySpan<char> Split(ReadOnlySpan<char> value, out ReadOnlySpan<char> parameters)
    {
        var semicolon = value.IndexOf(';');
        parameters = semicolon < 0 ? default : value[(semicolon + 1)..];
        return (semicolon < 0 ? value : value[..semicolon]).Trim();
    }

    private static bool TryGetParameter(ReadOnlySpan<char> parameters, ReadOnlySpan<char> name, out ReadOnlySpan<char> value)
    {
        foreach (var range in parameters.Split(';'))
        {
            var parameter = parameters[range];
            var equals = parameter.IndexOf('=');
            if (equals < 0 || !parameter[..equals].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            value = parameter[(equals + 1)..].Trim().Trim('"');
            return true;
        }
        value = default;
        return false;
    }

    private static bool IsUtf8Compatible(ReadOnlySpan<char> charset) =>
        charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
        || charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase) || charset.Equals("ascii", StringComparison.OrdinalIgnoreCase);

    /// <summary>A client's text for a one-line error: the one excerpt rule of knn's errors (control characters escaped, length bounded).</summary>
    internal static string Printable(ReadOnlySpan<char> text) => Core.Errors.ErrorText.Excerpt(text.ToString());
}
