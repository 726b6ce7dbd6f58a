namespace Diffusion.Cluster;

/// <summary>
/// Settings of the cluster (section <c>Cluster</c>; command line <c>--Cluster:Key value</c>). The run settings the
/// silos and the front end share (data folder, pipeline folder, input roots, workers per silo, limits) stay in the
/// server's section <c>Server</c>; the data folder must be the same shared folder for every process.
/// </summary>
public sealed class ClusterSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cluster";

    /// <summary>The Redis server holding membership, run state and reminders (StackExchange.Redis syntax, e.g. <c>127.0.0.1:6379</c>).</summary>
    public string? Redis { get; set; }

    /// <summary>The Orleans cluster id: silos and front ends with the same id and Redis form one cluster.</summary>
    public string ClusterId { get; set; } = "diffusion";

    /// <summary>The Orleans service id (keys of stored state and reminders).</summary>
    public string ServiceId { get; set; } = "diffusion";

    /// <summary>The silo-to-silo port of this silo (loopback demos give each silo its own).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port front ends connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// How often a run's reminder fires while it has not ended. A reminder activates the run's grain on a live silo
    /// after its silo was lost, so a run nobody is watching still finishes; it costs one Redis read per run and period.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Declares a silo that stops answering dead after about a second instead of Orleans' default 10-12 s (probe timeout
    /// 1 s, 2 missed probes, one vote): for loopback demos and tests, where a slow machine is not a lost one.
    /// </summary>
    public bool FastFailureDetection { get; set; }

    /// <summary>
    /// How much a silo that already has a run's models loaded is preferred, in queued runs: with 1, a silo with the
    /// models and one more run waiting ties with an idle silo without them.
    /// </summary>
    public double AffinityBonus { get; set; } = 1.0;

    /// <summary>The device kind runs need (<c>cpu</c>, <c>cuda</c>): placement prefers silos with it. Empty: any silo.</summary>
    public string? Device { get; set; }

    /// <summary>How long a front end waits for a silo's answer before it retries (a silo lost mid-call).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
