using System.Net;
using System.Text.Json.Nodes;
using Diffusion.Server.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Cluster.Tests;

/// <summary>A cancel sent to the front end reaches the silo that runs the run, and only that run.</summary>
public sealed class CancelTests
{
    [Fact]
    public async Task A_cancel_reaches_the_silo_that_runs_the_run_and_stops_only_that_run()
    {
        await using var harness = await ClusterHarness.StartAsync(redis: null);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (doomed, other) = ($"doomed-{tag}", $"other-{tag}");
        var doomedId = await harness.SubmitAsync(ClusterHarness.WaitPipeline((doomed, 300, 100, "doomed.txt")));
        var otherId = await harness.SubmitAsync(ClusterHarness.WaitPipeline((other, 20, 50, "other.txt")));
        var events = await harness.WaitForEventsAsync(doomedId, e => e.Any(x => x.Kind == "step"), "the run stepping");
        var silo = JsonNode.Parse(events.Single(e => e.Kind == "started").Data)!["silo"]!.GetValue<string>();

        using var response = await harness.Client.DeleteAsync($"/v1/runs/{doomedId}");
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());

        var run = await harness.WaitForEndAsync(doomedId, TimeSpan.FromSeconds(20));
        run["state"]!.GetValue<string>().Should().Be("cancelled");
        run["error"]!.GetValue<string>().Should().Be("cancelled by a client while it ran");
        WaitNode.Cancellations.Should().ContainKey(doomed);
        SiloOf(WaitNode.Cancellations[doomed].Services).Should().Be(silo, "the node saw the cancel on the silo that ran it");
        WaitNode.Cancellations[doomed].Step.Should().BeLessThan(300);

        (await harness.WaitForEndAsync(otherId))["state"]!.GetValue<string>().Should().Be("succeeded");
        WaitNode.Cancellations.Should().NotContainKey(other);
        using var again = await harness.Client.DeleteAsync($"/v1/runs/{doomedId}");
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var stream = await ServerEventStream.ReadAsync(harness.Client, doomedId);
        stream[^1].Kind.Should().Be("cancelled");
    }

    [Fact]
    public async Task A_queued_run_cancelled_before_a_worker_takes_it_never_starts()
    {
        await using var harness = await ClusterHarness.StartAsync(redis: null, silos: 1);
        var tag = Guid.NewGuid().ToString("N")[..8];
        // Two workers on the one silo: two long runs fill them, the third waits.
        var blockers = new[] { await harness.SubmitAsync(ClusterHarness.WaitPipeline(($"a-{tag}", 200, 50, "a.txt"))), await harness.SubmitAsync(ClusterHarness.WaitPipeline(($"b-{tag}", 200, 50, "b.txt"))) };
        var waiting = await harness.SubmitAsync(ClusterHarness.WaitPipeline(($"c-{tag}", 1, 1, "c.txt")));
        (await harness.GetRunAsync(waiting))["state"]!.GetValue<string>().Should().Be("queued");
        var health = JsonNode.Parse(await harness.Client.GetStringAsync("/v1/health"))!;
        (health["queued"]!.GetValue<int>() + health["running"]!.GetValue<int>()).Should().Be(3, "health counts the cluster's runs, not the front end's empty local queue");
        health["queued"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1);

        using var response = await harness.Client.DeleteAsync($"/v1/runs/{waiting}");
        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var run = await harness.WaitForEndAsync(waiting, TimeSpan.FromSeconds(5));
        run["state"]!.GetValue<string>().Should().Be("cancelled");
        run["error"]!.GetValue<string>().Should().Be("cancelled by a client before it started");
        run["attempts"]!.GetValue<int>().Should().Be(0);
        WaitNode.Starts.Should().NotContainKey($"c-{tag}");
        foreach (var blocker in blockers)
        {
            (await harness.Client.DeleteAsync($"/v1/runs/{blocker}")).Dispose();
        }
    }

    /// <summary>The address of the silo whose services a node ran with.</summary>
    private static string SiloOf(IServiceProvider services) =>
        services.GetService<ILocalSiloDetails>()?.SiloAddress.ToString() ?? "(no silo)";
}
