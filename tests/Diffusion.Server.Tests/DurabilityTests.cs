using System.Text.Json.Nodes;
using Diffusion.Server.Queue;

namespace Diffusion.Server.Tests;

/// <summary>The queue outlives the process: accepted runs survive a restart, and runs a killed process left running are settled.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Runs_accepted_before_a_restart_finish_after_it_including_the_one_that_was_running()
    {
        var data = ServerHost.NewDataDirectory();
        string running;
        var queued = new List<string>();
        await using (var first = await ServerHost.StartAsync(data))
        {
            running = (string)(await first.SubmitWaitAsync(20, 25, "was running"))["id"]!;
            await first.WaitForAsync(running, "running");
            for (var i = 0; i < 3; i++)
            {
                queued.Add((string)(await first.SubmitWaitAsync(2, 1, $"queued {i}"))["id"]!);
            }
        }

        await using var second = await ServerHost.StartAsync(data);
        var interrupted = await second.WaitForAsync(running);
        interrupted["state"]!.GetValue<string>().Should().Be("succeeded");
        interrupted["attempts"]!.GetValue<int>().Should().Be(2);
        (await second.Client.GetStringAsync($"/v1/runs/{running}/outputs/wait.txt")).Should().Be("was running");
        var kinds = (await ServerEventStream.ReadAsync(second.Client, running)).Select(e => e.Kind).ToList();
        kinds.Should().ContainInOrder("queued", "started", "requeued", "started", "finished");
        foreach (var (id, i) in queued.Select((id, i) => (id, i)))
        {
            (await second.WaitForAsync(id))["state"]!.GetValue<string>().Should().Be("succeeded");
            (await second.Client.GetStringAsync($"/v1/runs/{id}/outputs/wait.txt")).Should().Be($"queued {i}");
        }
    }

    [Fact]
    public async Task A_run_a_killed_process_left_running_is_queued_again_and_runs_from_a_fresh_folder()
    {
        var data = ServerHost.NewDataDirectory();
        var id = LeaveRunning(data, attempts: 1);
        // What the killed attempt left behind is not taken for this run's output.
        Directory.CreateDirectory(Path.Combine(data, "runs", id));
        await File.WriteAllTextAsync(Path.Combine(data, "runs", id, "wait.txt"), "half-written");

        await using var host = await ServerHost.StartAsync(data);
        var run = await host.WaitForAsync(id);
        run["state"]!.GetValue<string>().Should().Be("succeeded", run.ToJsonString());
        (await host.Client.GetStringAsync($"/v1/runs/{id}/outputs/wait.txt")).Should().Be("recovered");
        var requeued = (await ServerEventStream.ReadAsync(host.Client, id)).Single(e => e.Kind == "requeued");
        ((string)JsonNode.Parse(requeued.Data)!["reason"]!).Should().Contain("killed or crashed");
    }

    [Fact]
    public async Task With_the_fail_policy_or_after_the_last_attempt_an_interrupted_run_is_failed_with_the_reason()
    {
        var data = ServerHost.NewDataDirectory();
        var failPolicy = LeaveRunning(data, attempts: 1);
        await using (var host = await ServerHost.StartAsync(data, false, "Server:InterruptedRuns=Fail"))
        {
            var run = await host.GetRunAsync(failPolicy);
            run["state"]!.GetValue<string>().Should().Be("failed");
            ((string)run["error"]!).Should().Contain("killed or crashed").And.Contain("Server:InterruptedRuns");
        }

        var exhausted = LeaveRunning(data, attempts: 3);
        await using (var host = await ServerHost.StartAsync(data, false, "Server:MaxAttempts=3"))
        {
            var run = await host.GetRunAsync(exhausted);
            run["state"]!.GetValue<string>().Should().Be("failed");
            ((string)run["error"]!).Should().Contain("attempt 3 of at most 3");
            (await ServerEventStream.ReadAsync(host.Client, exhausted)).Last().Kind.Should().Be("failed");
        }
    }

    /// <summary>What a process killed mid-run leaves in the database: a run in state running after its attempts.</summary>
    private static string LeaveRunning(string data, int attempts)
    {
        using var store = new RunStore(data);
        var id = Guid.CreateVersion7().ToString("N");
        var request = new StoredRequest(ServerHost.WaitPipeline(2, 1, "recovered").ToJsonString(), null, [], 0);
        store.TryEnqueue(id, 0, request, 100, new JsonObject { ["kind"] = "queued" }).Accepted.Should().BeTrue();
        for (var i = 0; i < attempts; i++)
        {
            store.ClaimNext()!.Id.Should().Be(id);
            if (i < attempts - 1)
            {
                store.Requeue(id, new JsonObject { ["kind"] = "requeued" });
            }
        }

        store.Get(id)!.State.Should().Be(RunState.Running);
        return id;
    }
}
