namespace Diffusion.Contracts;

/// <summary>
/// A progress event of a run. Plain data, so it serialises as-is (server-sent events, logs, run state).
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="RunId">The run.</param>
/// <param name="Timestamp">When.</param>
public sealed record PipelineEvent(PipelineEventKind Kind, string RunId, DateTimeOffset Timestamp)
{
    /// <summary>The node, for node events.</summary>
    public string? NodeId { get; init; }

    /// <summary>The node type, for node events.</summary>
    public string? NodeType { get; init; }

    /// <summary>Step reached, for progress events.</summary>
    public int? Step { get; init; }

    /// <summary>Steps in total, for progress events (0 when unknown).</summary>
    public int? Total { get; init; }

    /// <summary>A status line or error message.</summary>
    public string? Message { get; init; }

    /// <summary>Elapsed time of the node or run, when finished.</summary>
    public TimeSpan? Elapsed { get; init; }

    /// <summary>Named numbers (loss, it/s, metrics).</summary>
    public IReadOnlyDictionary<string, double>? Values { get; init; }

    /// <summary>Every validation problem, on the <see cref="PipelineEventKind.RunFailed"/> event of a pipeline that did not validate.</summary>
    public IReadOnlyList<ValidationIssue>? Issues { get; init; }

    /// <summary>A small preview image of a sampler step (PNG bytes), on progress events of nodes that make one; null otherwise.</summary>
    public ReadOnlyMemory<byte>? Preview { get; init; }
}
