using System.Text;

namespace KnnCli.Output;

/// <summary>
/// Under --dry-run every line knn prints, on stdout and stderr alike, starts with <see cref="Mark"/>, so nothing a
/// dry run says can be mistaken for something done. Lines are held until their newline (or a flush) so a line that
/// already carries the mark (the targets' own "[dry-run] would …") is not marked twice.
/// </summary>
public sealed class DryRunWriter(TextWriter inner) : TextWriter
{
    public const string Mark = "[dry-run] ";

    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (_gate)
        {
            _line.Append(value);
            if (value == '\n') Emit();
        }
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        lock (_gate)
        {
            foreach (var c in value)
            {
                _line.Append(c);
                if (c == '\n') Emit();
            }
        }
    }

    public override void Flush()
    {
        lock (_gate)
        {
            if (_line.Length > 0) Emit();
            inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }

    /// <summary>Marks a JSON result: the document gains "dry_run": true as its first member.</summary>
    public static string MarkJson(System.Text.Json.Nodes.JsonNode? document)
    {
        if (document is System.Text.Json.Nodes.JsonObject result) result.Insert(0, "dry_run", true);
        return document?.ToJsonString() ?? "null";
    }

    private void Emit()
    {
        var line = _line.ToString();
        _line.Clear();
        inner.Write(line.StartsWith(Mark, StringComparison.Ordinal) || line is "\n" or "\r\n" ? line : Mark + line);
    }
}
