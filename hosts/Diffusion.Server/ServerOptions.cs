namespace Diffusion.Server;

/// <summary>
/// Settings of the HTTP server (configuration section <c>Server</c>; the engine's own settings stay under
/// <c>Diffusion</c>). Validated when the host starts (<see cref="ServerOptionsValidator"/>).
/// </summary>
public sealed class ServerOptions
{
    /// <summary>The configuration section name (<c>"Server"</c>).</summary>
    public const string SectionName = "Server";

    /// <summary>
    /// The server's data folder: the queue database (<c>server.db</c>) and every run's outputs (<c>runs/&lt;id&gt;/</c>).
    /// Relative paths resolve against the current folder.
    /// </summary>
    public string DataDirectory { get; set; } = "server-data";

    /// <summary>
    /// The folder of named pipelines (<c>POST /v1/runs</c> with <c>"name"</c>): its <c>*.json</c> files, by file name
    /// without the extension. Null: only posted pipeline documents are accepted. Named pipelines read their inputs
    /// beside themselves (the folder and its data/ and models/ siblings), as with <c>diffuse run</c>: the operator
    /// chose the folder.
    /// </summary>
    public string? PipelineDirectory { get; set; }

    /// <summary>
    /// Folders posted pipelines may read inputs from; relative input paths in a posted pipeline resolve against the
    /// first. Nothing else is readable by a posted pipeline (not the server's working folder, not its data folder).
    /// </summary>
    public IList<string> InputRoots { get; } = [];

    /// <summary>
    /// How many runs execute at once (one worker each), on the engine's device (<c>Diffusion:Device</c>). The list form
    /// <c>Workers: [{ "Device": "cpu", "Count": 2 }, { "Device": "cuda:0", "Count": 1 }]</c> fills
    /// <see cref="DeviceWorkers"/> instead, and this becomes their total.
    /// </summary>
    public int Workers { get; set; } = 1;

    /// <summary>
    /// Worker pools per device, from the list form of <c>Server:Workers</c>; empty: <see cref="Workers"/> workers on the
    /// engine's device. Every worker takes the next queued run and runs it on its pool's device; a device that is not
    /// present stops the server at start with the reason.
    /// </summary>
    public IList<DeviceWorkerPool> DeviceWorkers { get; } = [];

    /// <summary>The most runs waiting in the queue; one more is refused with 429 and Retry-After.</summary>
    public int MaxQueuedRuns { get; set; } = 100;

    /// <summary>The largest request body in bytes (413 beyond it).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted in a request (400 beyond it).</summary>
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>The most nodes in one pipeline (400 <c>graph_too_large</c> beyond it).</summary>
    public int MaxNodes { get; set; } = 500;

    /// <summary>The most <c>set</c> overrides in one request.</summary>
    public int MaxOverrides { get; set; } = 100;

    /// <summary>Wall-clock limit of one run; a run over it is cancelled and marked failed with the reason.</summary>
    public TimeSpan RunTimeLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>What happens, when the server starts, to runs a previous process left running (it was killed or crashed).</summary>
    public InterruptedRunPolicy InterruptedRuns { get; set; } = InterruptedRunPolicy.Requeue;

    /// <summary>How many times a run may be started; a run interrupted this many times is failed instead of re-queued.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Whether runs may take node outputs from the engine's cache (side-effect nodes always run).</summary>
    public bool UseCache { get; set; } = true;

    /// <summary>Independent nodes run at once within one run.</summary>
    public int MaxParallelismPerRun { get; set; } = 1;

    /// <summary>Progress events of one run are kept (and streamed) at most this often; node and run events always are.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often an idle event stream sends a keep-alive comment.</summary>
    public TimeSpan EventStreamKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The largest page of <c>GET /v1/runs</c>.</summary>
    public int MaxPageSize { get; set; } = 200;

    /// <summary>
    /// Step previews: sampling nodes make a small PNG of their predicted x_0 at most this often per run; the latest one
    /// is kept per run (<c>GET /v1/runs/{id}/preview</c>) and announced by a <c>preview</c> event. Zero turns them off.
    /// </summary>
    public TimeSpan PreviewInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// API keys; empty (the default): no authentication. With keys, every <c>/v1/</c> and <c>/openapi/</c> request
    /// except <c>GET /v1/health</c> needs one, as <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>.
    /// </summary>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>
    /// Runs that ended longer ago than this are deleted with their events, preview and output folder; null (the
    /// default) keeps them. Queued and running runs are never deleted.
    /// </summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>How often the retention sweep looks for runs to delete.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether the web page is served at <c>/</c> (static files in the server's assembly).</summary>
    public bool WebPage { get; set; } = true;
}

/// <summary>Workers that run runs on one device (an entry of the list form of <c>Server:Workers</c>).</summary>
public sealed class DeviceWorkerPool
{
    /// <summary>The device: <c>cpu</c>, <c>cuda</c>, <c>cuda:n</c> or <c>auto</c>.</summary>
    public string Device { get; set; } = "";

    /// <summary>How many runs this device executes at once.</summary>
    public int Count { get; set; } = 1;
}

/// <summary>What the server does on start with runs found in state <c>running</c> (left by a killed process).</summary>
public enum InterruptedRunPolicy
{
    /// <summary>Queue them again (fresh output folder), unless they reached <see cref="ServerOptions.MaxAttempts"/>.</summary>
    Requeue,

    /// <summary>Mark them failed with the reason.</summary>
    Fail,
}
