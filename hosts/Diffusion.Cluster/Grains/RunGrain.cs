using System.Text.Json.Nodes;
using Diffusion.Cluster.Execution;
using Diffusion.Cluster.Placement;
using Diffusion.Cluster.Workers;
using Diffusion.Server;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Diffusion.Cluster.Grains;

/// <summary>
/// One run (see <see cref="IRunGrain"/>). The grain's own thread owns the state; the pipeline runs on worker threads and
/// reports through an <see cref="AttemptLog"/> that a timer drains into the state and writes to storage a few times a
/// second. Clients see only events that are stored, so a run re-run elsewhere after a crash never contradicts an event
/// id a client already has.
/// <para>
/// Life: submitted (queued, reminder registered) → waits for one of this silo's worker slots → running (attempt n on
/// this silo) → succeeded, failed or cancelled (reminder removed). An activation that finds the run <c>running</c> is
/// on a new silo after the old one was lost: it says so in a <c>requeued</c> event and runs it again, restoring the
/// files of the nodes the lost attempt completed (<see cref="SharedNodeFiles"/>).
/// </para>
/// </summary>
[ModelAffinityPlacement]
internal sealed partial class RunGrain(
    [PersistentState("run", ClusterStorage.Runs)] IPersistentState<RunGrainState> run,
    ClusterRunExecutor executor,
    WorkerSlots slots,
    LoadedModels models,
    ILocalSiloDetails silo,
    IOptions<ServerOptions> serverOptions,
    IOptions<ClusterSettings> clusterSettings,
    ILogger<RunGrain> logger) : Grain, IRunGrain, IRemindable
{
    private static readonly TimeSpan FlushPeriod = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly CancellationTokenSource cancel = new();
    private TaskCompletionSource stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AttemptLog? log;
    private Task? attempt;
    private IGrainTimer? flushTimer;
    private int storedEvents;

    private RunGrainState State => run.State;

    private string RunId => this.GetPrimaryKeyString();

    private bool Ended => State.State is { } s && RunStates.Parse(s).IsTerminal();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        storedEvents = State.Events.Count;
        if (State.State is null || Ended)
        {
            return;
        }

        if (State.State == RunState.Running.Name())
        {
            // Stored as running but no attempt is alive here: the silo of the latest attempt was lost or stopped.
            var lost = $"the worker running attempt {State.Attempts} ({State.Silo}) was lost";
            if (State.CancelRequested)
            {
                await EndAsync(RunState.Cancelled, $"cancelled by a client; {lost} before the run ended", null, []);
                return;
            }

            if (State.Attempts >= serverOptions.Value.MaxAttempts)
            {
                await EndAsync(RunState.Failed, $"{lost}; the run was started {State.Attempts} times, the most allowed (Server:MaxAttempts)", null, []);
                return;
            }

            var requeued = RunEvents.Create(RunId, RunEvents.Requeued);
            requeued["reason"] = $"{lost}; queued again on {silo.SiloAddress}, reusing the files of the nodes it completed";
            AddEvent(RunEvents.Requeued, requeued);
            State.State = RunState.Queued.Name();
            await SaveAsync();
            LogRequeued(logger, RunId, State.Attempts, State.Silo);
            await ReportAsync();
        }

        StartAttempt();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The silo is stopping or the grain moves: the attempt stops, the run stays stored as running (or queued), and
        // the next activation on a live silo runs it again.
        await stopping.CancelAsync();
        if (attempt is not null)
        {
            await Task.WhenAny(attempt, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None));
        }

        flushTimer?.Dispose();
        if (State.State is not null && Drain())
        {
            await SaveAsync();
        }
    }

    public async Task<RunSnapshot> Submit(RunSubmit submit)
    {
        ArgumentNullException.ThrowIfNull(submit);
        if (State.State is null)
        {
            State.State = RunState.Queued.Name();
            State.Sequence = submit.Sequence;
            State.Priority = submit.Priority;
            State.CreatedAt = DateTimeOffset.UtcNow;
            State.Pipeline = submit.Pipeline;
            State.Name = submit.Name;
            State.Set = [.. submit.Set];
            State.Seed = submit.Seed;
            var queued = RunEvents.Create(RunId, RunEvents.Queued);
            queued["priority"] = submit.Priority;
            AddEvent(RunEvents.Queued, queued);
            await SaveAsync();
            var period = clusterSettings.Value.ReminderPeriod;
            await this.RegisterOrUpdateReminder(ClusterStorage.WatchReminder, period, period);
            StartAttempt();
        }

        return Snapshot();
    }

    public Task<RunSnapshot?> Get() => Task.FromResult(State.State is null ? null : Snapshot());

    public async Task<string?> Cancel()
    {
        var before = State.State;
        if (before is null || Ended)
        {
            return before;
        }

        State.CancelRequested = true;
        if (before == RunState.Queued.Name())
        {
            await EndAsync(RunState.Cancelled, "cancelled by a client before it started", null, []);
        }
        else
        {
            await SaveAsync();
        }

        // Running: the attempt on this silo (the grain lives where its run executes) observes its own token.
        await cancel.CancelAsync();
        return before;
    }

    public Task<RunEventRow[]> ReadEvents(long afterId, int limit)
    {
        var from = (int)Math.Clamp(afterId, 0, storedEvents);
        var count = Math.Clamp(limit, 0, storedEvents - from);
        return Task.FromResult(State.Events.GetRange(from, count).ToArray());
    }

    public async Task<bool> WaitForEvents(long afterId, TimeSpan timeout)
    {
        if (storedEvents > afterId || State.State is null)
        {
            return true;
        }

        var next = stored.Task;
        var wait = timeout < LongestWait ? timeout : LongestWait;
        await Task.WhenAny(next, Task.Delay(wait));
        return next.IsCompleted;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation already resumed an unfinished run; the reminder's work is to cause that activation after a crash.
        if (State.State is null || Ended)
        {
            await ForgetReminderAsync();
        }
        else if (attempt is null)
        {
            StartAttempt();
        }
    }

    private void StartAttempt()
    {
        flushTimer ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushPeriod, FlushPeriod) { Interleave = true, KeepAlive = true });
        attempt ??= RunAttemptAsync();
    }

    private async Task RunAttemptAsync()
    {
        try
        {
            IDisposable slot;
            using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, stopping.Token))
            {
                try
                {
                    slot = await slots.AcquireAsync(State.Priority, State.Sequence, waiting.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            using (slot)
            {
                if (Ended || stopping.IsCancellationRequested)
                {
                    return;
                }

                State.State = RunState.Running.Name();
                State.Attempts++;
                State.StartedAt = DateTimeOffset.UtcNow;
                State.Silo = silo.SiloAddress.ToString();
                var started = RunEvents.Create(RunId, RunEvents.Started);
                started["attempt"] = State.Attempts;
                started["silo"] = State.Silo;
                AddEvent(RunEvents.Started, started);
                await SaveAsync();
                await ReportAsync();

                log = new AttemptLog();
                var request = new StoredRequest(State.Pipeline, State.Name, [.. State.Set], State.Seed);
                var completed = new Dictionary<string, List<StoredFile>>(State.CompletedNodes, StringComparer.Ordinal);
                var currentLog = log;
                var outcome = await Task.Run(() => executor.ExecuteAsync(RunId, request, completed, currentLog, cancel.Token, stopping.Token), CancellationToken.None);
                Drain();
                if (outcome.State is not { } final)
                {
                    await SaveAsync();
                    return;
                }

                models.Add(outcome.ModelKeys);
                slots.CountCompleted();
                await EndAsync(final, outcome.Error, outcome.Issues, outcome.Outputs);
            }
        }
        catch (Exception ex)
        {
            // Storage refused a write (another activation of this run wrote since: this one is stale) or a call failed:
            // drop this activation; the run's stored state and reminder bring it back where it belongs.
            LogAttemptError(logger, RunId, ex);
            DeactivateOnIdle();
        }
    }

    private async Task EndAsync(RunState state, string? error, JsonNode? issues, IReadOnlyList<RunOutput> outputs)
    {
        Drain();
        var (kind, data) = RunEvents.End(RunId, state, error, issues, outputs);
        AddEvent(kind, data);
        State.State = state.Name();
        State.Error = error;
        State.FinishedAt = DateTimeOffset.UtcNow;
        State.OutputsJson = RunFolders.Serialize(outputs);
        await SaveAsync();
        flushTimer?.Dispose();
        flushTimer = null;
        await ReportAsync();
        await ForgetReminderAsync();
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (Drain())
            {
                await SaveAsync();
            }
        }
        catch (InconsistentStateException ex)
        {
            // Another activation of this run stored its state since this one read it (a second activation after a
            // silo loss): that one owns the run now. This one stops its attempt without ending the run and goes away.
            LogSuperseded(logger, RunId, ex.Message);
            await stopping.CancelAsync();
            DeactivateOnIdle();
        }
    }

    /// <summary>Moves what the attempt produced into the state; true when anything changed.</summary>
    private bool Drain()
    {
        if (log is null)
        {
            return false;
        }

        var changed = false;
        while (log.Events.TryDequeue(out var e))
        {
            State.Events.Add(new RunEventRow(State.Events.Count + 1, e.Kind, e.Data));
            changed = true;
        }

        while (log.CompletedNodes.TryDequeue(out var node))
        {
            State.CompletedNodes[node.Key] = node.Files;
            changed = true;
        }

        if (log.ProgressJson is { } progress && !string.Equals(progress, State.ProgressJson, StringComparison.Ordinal))
        {
            State.ProgressJson = progress;
            changed = true;
        }

        return changed;
    }

    private void AddEvent(string kind, JsonObject data) =>
        State.Events.Add(new RunEventRow(State.Events.Count + 1, kind, data.ToJsonString(ServerJson.Options)));

    /// <summary>Writes the state (one write at a time), then lets readers see the events it stored.</summary>
    private async Task SaveAsync()
    {
        await writeGate.WaitAsync();
        try
        {
            var count = State.Events.Count;
            await run.WriteStateAsync();
            if (count > storedEvents)
            {
                storedEvents = count;
                var wake = stored;
                stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wake.TrySetResult();
            }
        }
        finally
        {
            writeGate.Release();
        }
    }

    private async Task ReportAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IRunIndexGrain>(0).Update(RunId, State.State!);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The list is a convenience; the run's own state is the truth (GET /v1/runs/{id}). Calls fail for a moment
            // while a lost silo is being declared dead.
            LogIndexFailed(logger, RunId, ex.Message);
        }
    }

    private async Task ForgetReminderAsync()
    {
        try
        {
            if (await this.GetReminder(ClusterStorage.WatchReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The reminder service of this run's range may be on a silo just lost; the reminder's next tick finds the
            // run ended and removes it then.
            LogIndexFailed(logger, RunId, ex.Message);
        }
    }

    private RunSnapshot Snapshot() => new(
        RunId,
        State.Sequence,
        State.State!,
        State.Priority,
        State.CreatedAt,
        State.StartedAt,
        State.FinishedAt,
        State.Attempts,
        State.Pipeline,
        State.Name,
        [.. State.Set],
        State.Seed,
        State.CancelRequested,
        State.Error,
        State.ProgressJson,
        State.OutputsJson,
        storedEvents,
        State.Silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: attempt {Attempt} on {Silo} was lost; running it again here")]
    private static partial void LogRequeued(ILogger logger, string runId, int attempt, string? silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: the attempt stopped on an error; the activation is dropped")]
    private static partial void LogAttemptError(ILogger logger, string runId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: another activation stored the run's state ({Reason}); this one stops")]
    private static partial void LogSuperseded(ILogger logger, string runId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId}: the run list or its reminder was not updated ({Reason})")]
    private static partial void LogIndexFailed(ILogger logger, string runId, string reason);
}
