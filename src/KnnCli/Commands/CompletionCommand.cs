using System.CommandLine;
using KnnCli.Core.Errors;

namespace KnnCli.Commands;

/// <summary>
/// knn completion SHELL: a script that completes verbs, options and option values by asking knn itself through
/// System.CommandLine's suggest directive (the dotnet-suggest protocol: knn "[suggest:CURSOR]" "LINE").
/// </summary>
public static class CompletionCommand
{
    public const string Name = "completion";
    public const string Description = "Print a shell completion script for verbs, options and their values (bash, zsh, fish or pwsh)";

    private static readonly Dictionary<string, string> Scripts = new(StringComparer.Ordinal)
    {
        ["bash"] = """
            # knn completion for bash. Install: knn completion bash >> ~/.bashrc (or: source <(knn completion bash))
            _knn_complete()
            {
                local IFS=$'\n'
                local candidates
                candidates=$("$1" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
                COMPREPLY=($(compgen -W "${candidates}" -- "${COMP_WORDS[COMP_CWORD]}"))
            }
            complete -o default -F _knn_complete knn
            """,
        ["zsh"] = """
            #compdef knn
            # knn completion for zsh. Install: knn completion zsh > "${fpath[1]}/_knn" (or: source <(knn completion zsh) after compinit)
            _knn() {
                local line="${(j: :)words[1,CURRENT]}"
                local -a candidates
                candidates=("${(@f)$("${words[1]}" "[suggest:${#line}]" "$line" 2>/dev/null)}")
                compadd -a candidates
            }
            compdef _knn knn
            """,
        ["fish"] = """
            # knn completion for fish. Install: knn completion fish > ~/.config/fish/completions/knn.fish
            function __knn_complete
                set -l line (commandline -cp)
                knn "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
            end
            complete -c knn -f -a '(__knn_complete)'
            """,
        ["pwsh"] = """
            # knn completion for PowerShell. Install: knn completion pwsh >> $PROFILE
            Register-ArgumentCompleter -Native -CommandName knn -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                $line = $commandAst.ToString()
                $position = $cursorPosition - $commandAst.Extent.StartOffset
                # Completing a new word: the cursor is past the end of the command's text.
                if ($position -gt $line.Length) { $line = $line.PadRight($position) }
                & knn "[suggest:$position]" "$line" 2>$null | ForEach-Object {
                    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
                }
            }
            """,
    };

    /// <summary>The shell argument as help labels it (the values sorted); RootHelpTests holds it to <see cref="Shell"/>'s.</summary>
    public const string ShellLabel = "<bash|fish|pwsh|zsh>";

    public static readonly Argument<string> Shell = new Argument<string>("shell") { Description = "bash, zsh, fish or pwsh" }.Suggesting(Scripts.Keys.ToArray());

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        command.Arguments.Add(Shell);
        command.SetVerbAction(services, (parse, verb, _) =>
        {
            var shell = parse.GetValue(Shell)!;
            if (!Scripts.TryGetValue(shell, out var script))
                throw new InputException($"Unknown shell '{ErrorText.Excerpt(shell)}': expected {string.Join(", ", Scripts.Keys)}.");
            verb.Results.Console.WriteVerbatim(script);
            return Task.CompletedTask;
        });
        return command.WithExamples("knn completion bash >> ~/.bashrc", "knn completion fish > ~/.config/fish/completions/knn.fish");
    }

    /// <summary>Offers <paramref name="values"/> when completing the option's or argument's value (it still accepts others where the verb does).</summary>
    public static TSymbol Suggesting<TSymbol>(this TSymbol symbol, params string[] values) where TSymbol : Symbol
    {
        var sources = symbol switch
        {
            Option option => option.CompletionSources,
            Argument argument => argument.CompletionSources,
            _ => throw new ArgumentException($"{symbol.Name} takes no value", nameof(symbol)),
        };
        sources.Add(values);
        return symbol;
    }
}
