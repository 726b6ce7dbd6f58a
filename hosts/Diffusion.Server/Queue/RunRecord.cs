namespace Diffusion.Server.Queue;

/// <summary>One run as stored in the queue database.</summary>
/// <param name="Id">The server-made id (32 hex digits, time-ordered).</param>
/// <param name="Sequence">Insertion order (the paging cursor and the tie-break between equal priorities).</param>
/// <param name="State">Where the run is.</param>
/// <param name="Priority">Higher runs first.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="StartedAt">When its latest attempt started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Attempts">How many times a worker started it.</param>
/// <param name="Request">What to run, as accepted.</param>
/// <param name="CancelRequested">A client asked to cancel it while it ran.</param>
/// <param name="Error">Why it failed or was cancelled.</param>
/// <param name="ProgressJson">The latest progress (JSON), or null before it started.</param>
/// <param name="OutputsJson">The files it wrote (JSON array of name and size), once ended.</param>
/// <param name="LastEventId">The id of its latest event.</param>
public sealed record RunRecord(
    string Id,
    long Sequence,
    RunState State,
    int Priority,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int Attempts,
    StoredRequest Request,
    bool CancelRequested,
    string? Error,
    string? ProgressJson,
    string? OutputsJson,
    long LastEventId);

/// <summary>
/// What a client asked to run, kept verbatim so a run can be read and validated again when a worker takes it (after a
/// restart too): the pipeline document as posted, or the name of a pipeline from the configured folder; overrides; seed.
/// </summary>
/// <param name="Pipeline">The posted pipeline document (JSON text), or null.</param>
/// <param name="Name">The named pipeline, or null.</param>
/// <param name="Set">The <c>node.params.key=value</c> overrides.</param>
/// <param name="Seed">The run's default seed.</param>
public sealed record StoredRequest(string? Pipeline, string? Name, IReadOnlyList<string> Set, long Seed);

/// <summary>One stored event of a run: its id (1, 2, ... per run), kind and JSON data, as streamed.</summary>
public sealed record StoredEvent(long Id, string Kind, string Data);
