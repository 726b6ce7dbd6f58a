using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Diffusion.Cli.Rendering;

/// <summary>
/// One line per log entry (<c>HH:mm:ss level: category: message</c>) with <see cref="TerminalText.Clean"/> applied to
/// everything, since node ids, labels and file names from pipelines end up in log messages.
/// </summary>
internal sealed class SanitizingConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "diffusion-sanitizing";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var level = logEntry.LogLevel switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            LogLevel.Critical => "crit",
            _ => "none",
        };
        var text = $"{DateTime.Now:HH:mm:ss} {level}: {logEntry.Category}: {message}";
        if (logEntry.Exception is { } exception)
        {
            text += " " + exception;
        }

        // Multi-line messages (a metrics table) keep their lines; each line is cleaned on its own.
        foreach (var line in text.Split('\n'))
        {
            textWriter.WriteLine(TerminalText.Clean(line.TrimEnd('\r')));
        }
    }
}
