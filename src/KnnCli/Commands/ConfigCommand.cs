using System.CommandLine;
using KnnCli.Core.Settings;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn config: each effective setting, its value and where it came from.</summary>
public static class ConfigCommand
{
    public const string Name = "config";
    public const string Description = "Show each effective setting (target, region, bucket, prefix, role …), its value and where it came from";

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        command.SetVerbAction(services, (_, verb, _) =>
        {
            var result = new ConfigWorkflow(verb.Workflow).Run();
            verb.Results.Write(result, CliJsonContext.Default.ConfigResult, output => Print(output, result));
            return Task.CompletedTask;
        });
        return command.WithExamples("knn config", "knn config --target sagemaker --json");
    }

    private static void Print(KnnConsole output, ConfigResult result)
    {
        var rows = result.Settings.Select(s => new[] { s.Name, s.Value ?? "(not set)", s.From is null ? s.Source : $"{s.Source}: {s.From}" }).ToList();
        output.Table(["setting", "value", "from"], rows, (r, c) => c == 2 && result.Settings[r].Source == SettingPicker.FromDefault ? "grey" : null);
    }
}
