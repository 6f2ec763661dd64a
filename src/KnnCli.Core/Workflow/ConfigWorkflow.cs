using System.Text.Json.Serialization;
using KnnCli.Core.Settings;

namespace KnnCli.Core.Workflow;

public sealed record ConfigResult([property: JsonPropertyName("settings")] IReadOnlyList<SettingOrigin> Settings);

/// <summary>config: each effective setting and its origin, as the settings resolver recorded them; reads nothing else, writes nothing.</summary>
public sealed class ConfigWorkflow(WorkflowContext context)
{
    public ConfigResult Run() => new(context.Settings.Origins);
}
