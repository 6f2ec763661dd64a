using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace KnnCli.Serving.Tests;

/// <summary>One /invocations request as a property generates it: headers verbatim (null: absent) and a body.</summary>
public sealed record Invocation(string? ContentType, string? Accept, byte[] Body)
{
    public override string ToString() =>
        $"Content-Type: {ContentType ?? "(none)"} | Accept: {Accept ?? "(none)"} | Body ({Body.Length} bytes): {Encoding.UTF8.GetString(Body)}";
}

/// <summary>Random requests: random bytes, and CSV / JSON / JSON Lines that are valid, nearly valid or mangled.</summary>
public static class InvocationGenerators
{
    private static readonly string[] NumberTokens =
        ["0", "5", "-1.5", "2.5e3", "1e39", "-1e-50", "NaN", "Infinity", "-inf", "", " ", "x", "\"3\"", "0x10", "1,5", "null", "true", "[]", "{}", "1..2", "--1", "\u00e9"];

    private static readonly string[] ContentTypes =
    [
        "text/csv", "application/json", "application/jsonlines", "text/csv; charset=utf-8", "text/csv; label_size=1",
        "text/csv; label_size=abc", "text/csv; label_size=99999999999", "application/json; charset=latin1", "text/plain",
        "application/x-recordio-protobuf", "", ";;;", "text/csv;=;", "*/*", "application/jsonlines; verbose=true",
    ];

    private static readonly string[] Accepts =
    [
        "*/*", "application/json", "application/jsonlines", "application/json; verbose=true", "application/jsonlines;verbose=TRUE",
        "application/json;q=0.5, application/jsonlines", "text/csv", "application/json; q=abc", "application/json;q=0", "", ",,,", "application/*",
    ];

    public static Arbitrary<Invocation> Invocations()
    {
        var printable = Gen.ArrayOf(Gen.Choose(0x20, 0x7E).Select(c => (char)c)).Select(chars => new string(chars));
        var contentType = Gen.Frequency((1, Gen.Constant<string?>(null)), (6, Gen.Elements(ContentTypes).Select(s => (string?)s)), (2, printable.Select(s => (string?)s)));
        var accept = Gen.Frequency((3, Gen.Constant<string?>(null)), (5, Gen.Elements(Accepts).Select(s => (string?)s)), (2, printable.Select(s => (string?)s)));
        var body = Gen.OneOf(
            Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)),
            Mangled(Csv()),
            Mangled(Json()),
            Mangled(JsonLines()));
        return contentType.SelectMany(c => accept, (c, a) => (c, a))
            .SelectMany(headers => body, (headers, b) => new Invocation(headers.c, headers.a, b))
            .ToArbitrary();
    }

    private static Gen<string> Features() =>
        Gen.Frequency(
            (3, Gen.Elements(NumberTokens.Take(4).ToArray()).ListOf(4)),
            (2, Gen.Elements(NumberTokens).ListOf()))
        .Select(tokens => string.Join(",", tokens));

    private static Gen<string> Csv() =>
        Features().ListOf().SelectMany(rows => Gen.Elements("\n", "\r\n", ";", ""), (rows, newline) => string.Join(newline, rows));

    private static Gen<string> Instance() =>
        Features().SelectMany(features => Gen.Elements(
            $"{{\"features\":[{features}]}}",
            $"{{\"data\":{{\"features\":{{\"values\":[{features}]}}}}}}",
            $"{{\"data\":{{\"features\":{{\"keys\":[0],\"shape\":[4],\"values\":[{features}]}}}}}}",
            $"{{\"features\":[{features}],\"features\":[{features}]}}",
            $"{{\"data\":[{features}]}}",
            $"[{features}]",
            $"{{\"features\":{{\"values\":[{features}]}}}}"),
            (_, instance) => instance);

    private static Gen<string> Json() =>
        Instance().ListOf().SelectMany(instances => Gen.Elements("{\"instances\":[#]}", "[#]", "{\"instances\":#}", "{\"instances\":[#],\"instances\":[]}", "#"),
            (instances, shape) => shape.Replace("#", string.Join(",", instances)));

    private static Gen<string> JsonLines() =>
        Instance().ListOf().Select(lines => string.Join("\n", lines));

    private const string InsertedCharacters = "\"{[,:]}\0\n\\";

    /// <summary>Leaves the text alone, cuts it short, or drops or inserts a character somewhere.</summary>
    private static Gen<byte[]> Mangled(Gen<string> valid) =>
        valid.SelectMany(text => Gen.Choose(0, Math.Max(text.Length - 1, 0)), (text, position) => (text, position))
            .SelectMany(t => Gen.Elements("keep", "cut", "drop", "insert"), (t, edit) => edit switch
            {
                "cut" => t.text[..t.position],
                "drop" when t.text.Length > 0 => t.text.Remove(t.position, 1),
                "insert" => t.text.Insert(t.position, InsertedCharacters[t.position % InsertedCharacters.Length].ToString()),
                _ => t.text,
            })
            .Select(Encoding.UTF8.GetBytes);
}

public sealed class RobustnessProperties(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Property(MaxTest = 400, Arbitrary = [typeof(InvocationGenerators)])]
    public async Task Any_request_gets_a_200_or_a_4xx_and_the_server_keeps_answering(Invocation invocation)
    {
        using var response = await fixture.InvokeAsync(invocation.Body, invocation.ContentType, invocation.Accept);
        var status = (int)response.StatusCode;
        Assert.True(status is 200 or (>= 400 and < 500), $"HTTP {status}: {await response.Content.ReadAsStringAsync()}");

        using var ping = await fixture.Client.GetAsync("/ping");
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
    }
}
