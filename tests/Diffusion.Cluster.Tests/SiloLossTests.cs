using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Server.Tests;

namespace Diffusion.Cluster.Tests;

/// <summary>
/// A run whose silo is killed mid-run finishes on another silo, with run state and reminders in Redis through the
/// Orleans providers, resuming after the node the lost attempt completed. The demo script kills a real silo process.
/// </summary>
public sealed class SiloLossTests
{
    [Fact]
    public async Task A_run_whose_silo_is_killed_finishes_on_another_silo_reusing_the_completed_nodes_files()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var harness = await ClusterHarness.StartAsync(redis.ConnectionString);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (first, second) = ($"first-{tag}", $"second-{tag}");
        var id = await harness.SubmitAsync(ClusterHarness.WaitPipeline((first, 1, 10, "first.txt"), (second, 80, 100, "second.txt")));

        // Wait until the first node is done (and stored) and the second is under way.
        var events = await harness.WaitForEventsAsync(
            id,
            e => e.Any(x => x.Kind == "node" && Data(x)["node"]!.GetValue<string>() == "wait1" && Data(x)["status"]!.GetValue<string>() == "finished")
                && e.Any(x => x.Kind == "step" && Data(x)["node"]!.GetValue<string>() == "wait2"),
            "the first node finishing and the second stepping");
        var silo = Data(events.Single(e => e.Kind == "started"))["silo"]!.GetValue<string>();
        var handle = harness.Cluster.Silos.Single(s => s.SiloAddress.ToString() == silo);
        await harness.Cluster.KillSiloAsync(handle);

        var run = await harness.WaitForEndAsync(id, TimeSpan.FromSeconds(90));
        run["state"]!.GetValue<string>().Should().Be("succeeded", run.ToJsonString());
        run["attempts"]!.GetValue<int>().Should().Be(2);

        var stream = await ServerEventStream.ReadAsync(harness.Client, id);
        stream.Select(e => e.Id).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        var starts = stream.Where(e => e.Kind == "started").ToList();
        starts.Should().HaveCount(2);
        starts[1].Json["silo"]!.GetValue<string>().Should().NotBe(silo, "the second attempt runs on a silo that is alive");
        stream.Should().Contain(e => e.Kind == "requeued" && e.Json["reason"]!.GetValue<string>().Contains(silo, StringComparison.Ordinal));
        var afterRequeue = stream.SkipWhile(e => e.Kind != "requeued").ToList();
        afterRequeue.Should().Contain(e => e.Kind == "node" && e.Json["node"]!.GetValue<string>() == "wait1" && e.Json["status"]!.GetValue<string>() == "cached"
            && e.Json["message"]!.GetValue<string>().Contains("earlier attempt", StringComparison.Ordinal));
        stream[^1].Kind.Should().Be("finished");

        WaitNode.Starts[first].Should().Be(1, "the first node's file was restored, not computed again");
        WaitNode.Starts[second].Should().Be(2, "the node the lost silo was running is run again");
        (await harness.Client.GetStringAsync($"/v1/runs/{id}/outputs/first.txt")).Should().Be(first);
        (await harness.Client.GetStringAsync($"/v1/runs/{id}/outputs/second.txt")).Should().Be(second);
    }

    private static JsonObject Data(Grains.RunEventRow row) => JsonNode.Parse(row.Data)!.AsObject();
}
