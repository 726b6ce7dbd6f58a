namespace Diffusion.Contracts;

/// <summary>
/// One problem found in a pipeline before it runs. Validation reports every issue at once, never only the first.
/// </summary>
/// <param name="Code">A stable code (see <see cref="ValidationCodes"/>), for tools and tests.</param>
/// <param name="Message">What is wrong and what to do, for people.</param>
/// <param name="Pointer">A JSON pointer (RFC 6901) into the pipeline file, e.g. <c>/nodes/sample/params/steps</c>.</param>
/// <param name="Node">The node id, when the issue belongs to a node.</param>
/// <param name="Input">The input or param name, when the issue belongs to one.</param>
/// <param name="Received">The offending value as written, when there is one.</param>
public sealed record ValidationIssue(
    string Code,
    string Message,
    string Pointer,
    string? Node = null,
    string? Input = null,
    string? Received = null)
{
    /// <summary>Line of the pipeline file, when known (1-based).</summary>
    public long? Line { get; init; }

    /// <summary>Column of the pipeline file, when known (1-based).</summary>
    public long? Column { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Pointer}: {Message} [{Code}]";
}
