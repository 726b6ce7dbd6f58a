using System.Net;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Server.Tests;

/// <summary>Retention: runs that ended long enough ago go with their events and folders; queued and running runs stay.</summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task Ended_runs_older_than_the_retention_are_deleted_with_their_folder_and_runs_in_progress_are_kept()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:Retention=00:00:00.500", "Server:RetentionSweepInterval=00:00:00.100");
        var ended = (string)(await host.SubmitWaitAsync(1, 1, "old"))["id"]!;
        (await host.WaitForAsync(ended))["state"]!.GetValue<string>().Should().Be("succeeded");
        File.Exists(Path.Combine(host.DataDirectory, "runs", ended, "wait.txt")).Should().BeTrue();

        var running = (string)(await host.SubmitWaitAsync(400, 25, "long"))["id"]!;
        await host.WaitForAsync(running, "running");
        var queued = (string)(await host.SubmitWaitAsync(1, 1, "waiting"))["id"]!;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await host.Client.GetAsync($"/v1/runs/{ended}")).StatusCode != HttpStatusCode.NotFound)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the retention sweep deletes a run half a second after it ended");
            await Task.Delay(50);
        }

        Directory.Exists(Path.Combine(host.DataDirectory, "runs", ended)).Should().BeFalse("the run's output folder goes with it");
        host.Services.GetRequiredService<RunStore>().ReadEvents(ended, 0, 10).Should().BeEmpty("its events go with it");
        (await host.Client.GetAsync($"/v1/runs/{ended}/events")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // Well past the retention, the run in progress and the one behind it are still there.
        await Task.Delay(700);
        (await host.GetRunAsync(running))["state"]!.GetValue<string>().Should().Be("running");
        (await host.GetRunAsync(queued))["state"]!.GetValue<string>().Should().Be("queued");
        (await host.Client.DeleteAsync($"/v1/runs/{running}")).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await host.WaitForAsync(queued))["state"]!.GetValue<string>().Should().Be("succeeded");
    }

    [Fact]
    public void The_store_deletes_only_ended_runs_older_than_the_cutoff()
    {
        using var store = new RunStore(ServerHost.NewDataDirectory());
        var request = new StoredRequest("{}", null, [], 0);
        foreach (var id in new[] { "a", "b", "c" })
        {
            store.TryEnqueue(id, 0, request, 10, RunEvents.Create(id, RunEvents.Queued)).Accepted.Should().BeTrue();
        }

        store.ClaimNext()!.Id.Should().Be("a");
        store.Complete("a", RunState.Succeeded, null, "[]", null, RunEvents.Finished, RunEvents.Create("a", RunEvents.Finished));
        store.ClaimNext()!.Id.Should().Be("b");
        store.SavePreview("a", [1, 2, 3]).Should().Be(1);

        store.DeleteEndedBefore(DateTimeOffset.UtcNow.AddMinutes(-1), 10).Should().BeEmpty("run a ended just now");
        store.DeleteEndedBefore(DateTimeOffset.UtcNow.AddMinutes(1), 10).Should().Equal("a");
        store.Get("a").Should().BeNull();
        store.GetPreview("a").Should().BeNull();
        store.Get("b")!.State.Should().Be(RunState.Running);
        store.Get("c")!.State.Should().Be(RunState.Queued);
    }
}
