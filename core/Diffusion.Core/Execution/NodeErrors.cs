using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Diffusion.Contracts;
using Diffusion.Torch.Files;

namespace Diffusion.Core;

/// <summary>
/// Turns what a node threw into the one-line failure a user sees: it names the node and its type, says whether the
/// input was at fault (a missing, unreadable or corrupt file: invalid input, exit 2 at the CLI) or the node failed,
/// cuts libtorch's C++ frames ("Exception raised from ... frame #0 ...") down to the cause and names the node's input
/// files, and never shows .NET internals such as "Object reference not set to an instance of an object" (a bug in a
/// plugin is called one).
/// </summary>
internal static class NodeErrors
{
    private const int MaxMessageLength = 600;

    public static NodeFailure Describe(ValidatedNode node, Exception thrown)
    {
        var error = Unwrap(thrown);
        var prefix = $"Node \"{node.Id}\" ({node.Definition.Type})";
        var invalidInput = Chain(error).Any(IsInputProblem);
        string message;
        if (error is PipelineExecutionException own)
        {
            message = OneLine(own.Message);
        }
        else if (Chain(error).FirstOrDefault(IsNative) is { } native)
        {
            message = $"{prefix} failed in libtorch: {NativeCause(native.Message)}{InputFiles(node)}";
        }
        else if (invalidInput)
        {
            message = $"{prefix}: {OneLine(error.Message)}";
        }
        else if (error is OutOfMemoryException or InsufficientExecutionStackException)
        {
            message = $"{prefix} ran out of memory ({error.GetType().Name}); lower the sizes or counts in its params.";
        }
        else if (IsBug(error))
        {
            message = $"{prefix} failed with an internal error ({error.GetType().Name}) in plugin \"{node.Type.PluginId}\". This is a bug, not your input: report it with the pipeline file (--verbose logs the stack trace).";
        }
        else if (error is ArgumentException { ParamName: { } parameter } argument)
        {
            message = $"{prefix}: invalid value of '{parameter}': {OneLine(WithoutParameterSuffix(argument.Message))}";
        }
        else
        {
            message = $"{prefix} failed: {OneLine(error.Message)}";
        }

        return new NodeFailure(node.Id, node.Definition.Type, Limit(message), thrown) { InvalidInput = invalidInput };
    }

    /// <summary>Whether an exception means the node's input was unusable rather than the node broken.</summary>
    public static bool IsInputProblem(Exception error) => error is InvalidInputException
        or FileNotFoundException
        or DirectoryNotFoundException
        or FileRefusedException
        or InvalidDataException
        or UnauthorizedAccessException
        or PathTooLongException
        or EndOfStreamException;

    /// <summary>The cause line of a libtorch error, without "Exception raised from ..." and the C++ frames.</summary>
    public static string NativeCause(string message)
    {
        var text = message;
        foreach (var marker in new[] { "Exception raised from", "\nframe #", "frame #0" })
        {
            var cut = text.IndexOf(marker, StringComparison.Ordinal);
            if (cut >= 0)
            {
                text = text[..cut];
            }
        }

        text = OneLine(text).Trim().TrimEnd(':', ' ');
        return text.Length == 0 ? "an error without a message" : text;
    }

    private static bool IsNative(Exception error) =>
        error is ExternalException and not COMException
        || error.Message.Contains("Exception raised from", StringComparison.Ordinal)
        || error.Message.Contains("frame #0", StringComparison.Ordinal);

    private static bool IsBug(Exception error) => error is NullReferenceException
        or InvalidCastException
        or IndexOutOfRangeException
        or KeyNotFoundException
        or ArgumentNullException
        or NotImplementedException
        or ObjectDisposedException
        or DivideByZeroException
        or OverflowException
        or FormatException
        or ArrayTypeMismatchException;

    private static Exception Unwrap(Exception error)
    {
        while (true)
        {
            switch (error)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    error = aggregate.InnerExceptions[0];
                    continue;
                case TargetInvocationException { InnerException: { } inner }:
                    error = inner;
                    continue;
                default:
                    return error;
            }
        }
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static string InputFiles(ValidatedNode node)
    {
        var files = node.Type.Descriptor.Params
            .Where(p => p.Path is PathKind.InputFile or PathKind.InputFolder or PathKind.InputFileOrFolder)
            .Select(p => (p.Name, Value: node.Params[p.Name]?.ToString()))
            .Where(p => !string.IsNullOrEmpty(p.Value))
            .Select(p => $"{p.Name} = \"{p.Value}\"")
            .ToList();
        return files.Count == 0 ? "" : $" (the node read {string.Join(", ", files)})";
    }

    private static string WithoutParameterSuffix(string message)
    {
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (c is '\n' or '\r' or '\t')
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static string Limit(string message) =>
        message.Length <= MaxMessageLength ? message : string.Concat(message.AsSpan(0, MaxMessageLength), "…");
}
