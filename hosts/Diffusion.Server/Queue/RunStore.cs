using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Diffusion.Server.Queue;

/// <summary>
/// The durable queue: runs and their events in one SQLite database (WAL) in the data folder. A run is committed before
/// the client hears "accepted", so a kill after that never loses it. Writes go through one connection under a lock
/// (state changes are read-modify-write: claim the next run, cancel unless finished, enforce the queue bound); reads
/// use pooled connections of their own, which WAL lets run beside the writer.
/// </summary>
public sealed class RunStore : IDisposable
{
    private const string Columns = "id, seq, state, priority, created, started, finished, attempts, request, cancel_requested, error, progress, outputs, last_event";

    private readonly string connectionString;
    private readonly SqliteConnection writer;
    private readonly Lock gate = new();

    /// <summary>Opens (creating when needed) <c>server.db</c> in <paramref name="dataDirectory"/>.</summary>
    public RunStore(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        DatabasePath = Path.Combine(Path.GetFullPath(dataDirectory), "server.db");
        connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, DefaultTimeout = 30, Pooling = true }.ToString();
        writer = new SqliteConnection(connectionString);
        writer.Open();
        // WAL: readers never block the writer. synchronous=NORMAL in WAL mode loses nothing when the process is
        // killed (the log is in the OS's hands once written); only a power cut may drop the latest commits.
        Execute(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;");
        Execute(writer, """
            CREATE TABLE IF NOT EXISTS runs (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL,
                priority INTEGER NOT NULL,
                created TEXT NOT NULL,
                started TEXT,
                finished TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                request TEXT NOT NULL,
                cancel_requested INTEGER NOT NULL DEFAULT 0,
                error TEXT,
                progress TEXT,
                outputs TEXT,
                last_event INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS runs_by_state ON runs(state, priority DESC, seq);
            CREATE TABLE IF NOT EXISTS events (
                run_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                kind TEXT NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS previews (
                run_id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                png BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS runs_by_end ON runs(finished) WHERE finished IS NOT NULL;
            """);
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Adds a queued run with its first event, unless <paramref name="maxQueued"/> runs already wait: then nothing is
    /// stored and the number waiting is returned with <c>Accepted = false</c>.
    /// </summary>
    public (bool Accepted, int Queued) TryEnqueue(string id, int priority, StoredRequest request, int maxQueued, JsonObject queuedEvent)
    {
        lock (gate)
        {
            var queued = Convert.ToInt32(Scalar(writer, "SELECT COUNT(*) FROM runs WHERE state = 'queued'"), CultureInfo.InvariantCulture);
            if (queued >= maxQueued)
            {
                return (false, queued);
            }

            using var transaction = new WriteTransaction(writer);
            Execute(writer, "INSERT INTO runs (id, state, priority, created, request) VALUES ($id, 'queued', $priority, $now, $request)",
                ("$id", id), ("$priority", priority), ("$now", Now()), ("$request", JsonSerializer.Serialize(request, ServerJson.Options)));
            InsertEvent(id, "queued", queuedEvent, progressJson: null);
            transaction.Commit();
            return (true, queued + 1);
        }
    }

    /// <summary>Takes the next queued run (highest priority, then oldest) and marks it running; null when none waits.</summary>
    public RunRecord? ClaimNext()
    {
        lock (gate)
        {
            using var transaction = new WriteTransaction(writer);
            var id = Scalar(writer, "SELECT id FROM runs WHERE state = 'queued' ORDER BY priority DESC, seq LIMIT 1") as string;
            if (id is null)
            {
                return null;
            }

            Execute(writer, "UPDATE runs SET state = 'running', started = $now, attempts = attempts + 1 WHERE id = $id", ("$id", id), ("$now", Now()));
            var run = Read(writer, id);
            transaction.Commit();
            return run;
        }
    }

    /// <summary>Appends an event to a run (and its latest progress, when given); returns the event id.</summary>
    public long AppendEvent(string id, string kind, JsonObject data, string? progressJson = null)
    {
        lock (gate)
        {
            using var transaction = new WriteTransaction(writer);
            var eventId = InsertEvent(id, kind, data, progressJson);
            transaction.Commit();
            return eventId;
        }
    }

    /// <summary>Ends a running run with its final state, reason, outputs and terminal event, in one transaction.</summary>
    public void Complete(string id, RunState state, string? error, string? outputsJson, string? progressJson, string kind, JsonObject data)
    {
        lock (gate)
        {
            using var transaction = new WriteTransaction(writer);
            Execute(writer, "UPDATE runs SET state = $state, finished = $now, error = $error, outputs = $outputs WHERE id = $id",
                ("$id", id), ("$state", state.Name()), ("$now", Now()), ("$error", error), ("$outputs", outputsJson));
            InsertEvent(id, kind, data, progressJson);
            transaction.Commit();
        }
    }

    /// <summary>
    /// A client's cancel: a queued run is cancelled at once (with its event); a running one is flagged (the worker ends
    /// it); an ended one is left alone. Returns the state found.
    /// </summary>
    public RunState? RequestCancel(string id, Func<RunState, JsonObject> cancelledEvent)
    {
        lock (gate)
        {
            using var transaction = new WriteTransaction(writer);
            var state = Scalar(writer, "SELECT state FROM runs WHERE id = $id", ("$id", id)) is string text ? RunStates.Parse(text) : (RunState?)null;
            switch (state)
            {
                case RunState.Queued:
                    Execute(writer, "UPDATE runs SET state = 'cancelled', finished = $now, error = 'cancelled by a client before it started' WHERE id = $id", ("$id", id), ("$now", Now()));
                    InsertEvent(id, "cancelled", cancelledEvent(RunState.Queued), progressJson: null);
                    break;
                case RunState.Running:
                    Execute(writer, "UPDATE runs SET cancel_requested = 1 WHERE id = $id", ("$id", id));
                    break;
            }

            transaction.Commit();
            return state;
        }
    }

    /// <summary>Puts a running run back in the queue (the server is stopping, or was killed while it ran), with an event.</summary>
    public void Requeue(string id, JsonObject requeuedEvent)
    {
        lock (gate)
        {
            using var transaction = new WriteTransaction(writer);
            Execute(writer, "UPDATE runs SET state = 'queued', started = NULL, progress = NULL WHERE id = $id AND state = 'running'", ("$id", id));
            InsertEvent(id, "requeued", requeuedEvent, progressJson: null);
            transaction.Commit();
        }
    }

    /// <summary>Runs left in state <c>running</c> (by a process that was killed); called once when the server starts.</summary>
    public IReadOnlyList<RunRecord> Running()
    {
        lock (gate)
        {
            return ReadMany(writer, $"SELECT {Columns} FROM runs WHERE state = 'running' ORDER BY seq");
        }
    }

    /// <summary>One run, or null.</summary>
    public RunRecord? Get(string id)
    {
        using var connection = OpenReader();
        return Read(connection, id);
    }

    /// <summary>Events of a run after <paramref name="afterId"/>, oldest first.</summary>
    public IReadOnlyList<StoredEvent> ReadEvents(string id, long afterId, int limit)
    {
        using var connection = OpenReader();
        using var command = Command(connection, "SELECT seq, kind, data FROM events WHERE run_id = $id AND seq > $after ORDER BY seq LIMIT $limit",
            ("$id", id), ("$after", afterId), ("$limit", limit));
        using var reader = command.ExecuteReader();
        var events = new List<StoredEvent>();
        while (reader.Read())
        {
            events.Add(new StoredEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return events;
    }

    /// <summary>Runs newest first, before the cursor <paramref name="beforeSequence"/> (exclusive), optionally in one state.</summary>
    public IReadOnlyList<RunRecord> List(long? beforeSequence, int limit, RunState? state)
    {
        using var connection = OpenReader();
        return ReadMany(connection,
            $"SELECT {Columns} FROM runs WHERE ($before IS NULL OR seq < $before) AND ($state IS NULL OR state = $state) ORDER BY seq DESC LIMIT $limit",
            ("$before", beforeSequence), ("$state", state?.Name()), ("$limit", limit));
    }

    /// <summary>Replaces the run's preview with <paramref name="png"/> (one per run is kept); returns its version (1, 2, ...).</summary>
    public long SavePreview(string id, byte[] png)
    {
        lock (gate)
        {
            using var transaction = new WriteTransaction(writer);
            var version = Convert.ToInt64(Scalar(writer, "SELECT COALESCE(MAX(version), 0) + 1 FROM previews WHERE run_id = $id", ("$id", id)), CultureInfo.InvariantCulture);
            Execute(writer, "INSERT OR REPLACE INTO previews (run_id, version, png) VALUES ($id, $version, $png)", ("$id", id), ("$version", version), ("$png", png));
            transaction.Commit();
            return version;
        }
    }

    /// <summary>The run's latest preview and its version, or null when it has none.</summary>
    public (long Version, byte[] Png)? GetPreview(string id)
    {
        using var connection = OpenReader();
        using var command = Command(connection, "SELECT version, png FROM previews WHERE run_id = $id", ("$id", id));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : null;
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> runs that ended before <paramref name="cutoff"/>, with their events and
    /// preview, and returns their ids (their folders are the caller's). A queued or running run has no end time and is
    /// never touched; the state is checked in the same statement, so a run cannot start in between.
    /// </summary>
    public IReadOnlyList<string> DeleteEndedBefore(DateTimeOffset cutoff, int limit)
    {
        lock (gate)
        {
            using var transaction = new WriteTransaction(writer);
            var ids = new List<string>();
            using (var command = Command(writer,
                "SELECT id FROM runs WHERE finished IS NOT NULL AND finished < $cutoff AND state IN ('succeeded', 'failed', 'cancelled') ORDER BY finished LIMIT $limit",
                ("$cutoff", cutoff.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)), ("$limit", limit)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetString(0));
                }
            }

            foreach (var id in ids)
            {
                Execute(writer, "DELETE FROM events WHERE run_id = $id", ("$id", id));
                Execute(writer, "DELETE FROM previews WHERE run_id = $id", ("$id", id));
                Execute(writer, "DELETE FROM runs WHERE id = $id AND state IN ('succeeded', 'failed', 'cancelled')", ("$id", id));
            }

            transaction.Commit();
            return ids;
        }
    }

    /// <summary>How many runs wait and run.</summary>
    public (int Queued, int Running) Counts()
    {
        using var connection = OpenReader();
        var queued = Convert.ToInt32(Scalar(connection, "SELECT COUNT(*) FROM runs WHERE state = 'queued'"), CultureInfo.InvariantCulture);
        var running = Convert.ToInt32(Scalar(connection, "SELECT COUNT(*) FROM runs WHERE state = 'running'"), CultureInfo.InvariantCulture);
        return (queued, running);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            writer.Dispose();
        }
    }

    private long InsertEvent(string id, string kind, JsonObject data, string? progressJson)
    {
        var next = Convert.ToInt64(Scalar(writer, "SELECT last_event FROM runs WHERE id = $id", ("$id", id)), CultureInfo.InvariantCulture) + 1;
        Execute(writer, "INSERT INTO events (run_id, seq, kind, data) VALUES ($id, $seq, $kind, $data)",
            ("$id", id), ("$seq", next), ("$kind", kind), ("$data", data.ToJsonString(ServerJson.Options)));
        Execute(writer, progressJson is null
                ? "UPDATE runs SET last_event = $seq WHERE id = $id"
                : "UPDATE runs SET last_event = $seq, progress = $progress WHERE id = $id",
            ("$id", id), ("$seq", next), ("$progress", progressJson));
        return next;
    }

    /// <summary>
    /// BEGIN IMMEDIATE ... COMMIT on the writer, rolled back unless committed. Raw SQL rather than
    /// <c>BeginTransaction</c>, whose commands would each need the transaction object.
    /// </summary>
    private sealed class WriteTransaction : IDisposable
    {
        private readonly SqliteConnection connection;
        private bool done;

        public WriteTransaction(SqliteConnection connection)
        {
            this.connection = connection;
            Execute(connection, "BEGIN IMMEDIATE");
        }

        public void Commit()
        {
            Execute(connection, "COMMIT");
            done = true;
        }

        public void Dispose()
        {
            if (!done)
            {
                Execute(connection, "ROLLBACK");
            }
        }
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private static RunRecord? Read(SqliteConnection connection, string id) =>
        ReadMany(connection, $"SELECT {Columns} FROM runs WHERE id = $id", ("$id", id)).FirstOrDefault();

    private static List<RunRecord> ReadMany(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var runs = new List<RunRecord>();
        while (reader.Read())
        {
            runs.Add(new RunRecord(
                reader.GetString(0),
                reader.GetInt64(1),
                RunStates.Parse(reader.GetString(2)),
                reader.GetInt32(3),
                Time(reader.GetString(4)),
                reader.IsDBNull(5) ? null : Time(reader.GetString(5)),
                reader.IsDBNull(6) ? null : Time(reader.GetString(6)),
                reader.GetInt32(7),
                JsonSerializer.Deserialize<StoredRequest>(reader.GetString(8), ServerJson.Options)!,
                reader.GetInt64(9) != 0,
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.IsDBNull(12) ? null : reader.GetString(12),
                reader.GetInt64(13)));
        }

        return runs;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }
}
