using System.Diagnostics;
using System.Runtime.Versioning;

namespace KnnCli.Tests;

/// <summary>knn completion and the suggest directive it relies on (issue 10, item 9).</summary>
public sealed class CompletionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-completion-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<List<string>> SuggestAsync(string line)
    {
        var knn = new InProcessKnn(_directory, new Dictionary<string, string>());
        Assert.Equal(0, await knn.RunAsync($"[suggest:{line.Length}]", line));
        return [.. knn.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    [Fact]
    public async Task The_suggest_directive_offers_verbs_after_knn()
    {
        var suggestions = await SuggestAsync("knn ");
        foreach (var verb in new[] { "prepare", "upload", "train", "deploy", "predict", "cleanup", "status", "config", "completion", "model" })
            Assert.Contains(verb, suggestions);
    }

    [Fact]
    public async Task The_suggest_directive_offers_the_verbs_options_after_a_dash_dash()
    {
        var suggestions = await SuggestAsync("knn train --");
        foreach (var option in new[] { "--k", "--instance-type", "--no-wait", "--target", "--json" })
            Assert.Contains(option, suggestions);
        Assert.DoesNotContain("--rows", suggestions);
    }

    [Fact]
    public async Task The_suggest_directive_offers_option_values()
    {
        Assert.Equal(["local", "sagemaker"], await SuggestAsync("knn train --target "));
        Assert.Equal(["COSINE", "INNER_PRODUCT", "L2"], (await SuggestAsync("knn train --index-metric ")).Order(StringComparer.Ordinal));
        Assert.Contains("application/x-recordio-protobuf", await SuggestAsync("knn predict --content-type "));
        // An argument's values come with the verb's options.
        var shells = await SuggestAsync("knn completion ");
        Assert.All(new[] { "bash", "zsh", "fish", "pwsh" }, shell => Assert.Contains(shell, shells));
    }

    [Theory]
    [InlineData("knn tr", "train transform")]
    [InlineData("knn train --target ", "local sagemaker")]
    [InlineData("knn train --target s", "sagemaker")]
    [InlineData("knn deploy --end", "--endpoint-name")]
    [UnsupportedOSPlatform("windows")] // bash, and an executable knn on PATH
    public async Task The_bash_script_run_in_bash_completes_through_the_real_knn(string line, string expected)
    {
        var script = await KnnProcess.RunAsync(_directory, "completion", "bash");
        Assert.Equal(0, script.ExitCode);
        await File.WriteAllTextAsync(Path.Combine(_directory, "knn.bash"), script.Output);
        // The real tool as `knn` on PATH, as an installed one would be.
        var bin = Directory.CreateDirectory(Path.Combine(_directory, "bin")).FullName;
        var knn = Path.Combine(bin, "knn");
        await File.WriteAllTextAsync(knn, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "knn.dll")}' \"$@\"\n");
        File.SetUnixFileMode(knn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // As bash calls a -F function: COMP_LINE, COMP_POINT, COMP_WORDS, COMP_CWORD set; $1 the command, $2 the word, $3 the one before.
        var words = line.Split(' ');
        var driver = $$"""
            source ./knn.bash
            COMP_LINE='{{line}}'
            COMP_POINT=${#COMP_LINE}
            COMP_WORDS=({{string.Join(' ', words.Select(w => $"'{w}'"))}})
            COMP_CWORD={{words.Length - 1}}
            _knn_complete knn '{{words[^1]}}' '{{words[^2]}}'
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        var start = new ProcessStartInfo("bash", ["-c", driver]) { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        using var bash = Process.Start(start)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        var error = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.True(bash.ExitCode == 0, error);
        Assert.Equal(expected.Split(' '), output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("zsh", "compdef _knn knn")]
    [InlineData("fish", "complete -c knn")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName knn")]
    public async Task The_other_shells_scripts_are_printed_and_ask_knn_through_the_suggest_directive(string shell, string registration)
    {
        var result = await KnnProcess.RunAsync(_directory, "completion", shell);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(registration, result.Output);
        Assert.Contains("\"[suggest:", result.Output);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task An_unknown_shell_is_one_line_and_exit_2()
    {
        var result = await KnnProcess.RunAsync(_directory, "completion", "tcsh");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Equal("error: Unknown shell 'tcsh': expected bash, zsh, fish, pwsh.", result.Error.TrimEnd());
    }

    [Fact]
    public async Task No_shell_is_one_line_and_exit_2()
    {
        var result = await KnnProcess.RunAsync(_directory, "completion");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: knn completion needs the <shell> argument (see 'knn completion --help')", result.Error.TrimEnd());
    }
}
