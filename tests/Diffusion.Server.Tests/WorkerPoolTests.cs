using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Tests;

/// <summary>Workers per device: the list form of Server:Workers, each worker running its runs on its device.</summary>
public sealed class WorkerPoolTests
{
    [Fact]
    public async Task A_cpu_pool_of_two_runs_two_runs_at_once_on_the_cpu()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:Workers:0:Device=cpu", "Server:Workers:0:Count=2");
        var health = JsonNode.Parse(await host.Client.GetStringAsync("/v1/health"))!;
        ((int)health["workers"]!).Should().Be(2);
        health["devices"]!.AsArray().Select(d => ((string)d!["device"]!, (int)d["workers"]!)).Should().Equal(("cpu", 2));

        var first = (string)(await host.SubmitWaitAsync(400, 25, "first"))["id"]!;
        var second = (string)(await host.SubmitWaitAsync(400, 25, "second"))["id"]!;
        await host.WaitForAsync(first, "running");
        await host.WaitForAsync(second, "running");
        foreach (var id in new[] { first, second })
        {
            var started = (await ServerEventStream.ReadAsync(host.Client, id, stopAfter: 2)).Single(e => e.Kind == "started");
            ((string)JsonNode.Parse(started.Data)!["device"]!).Should().Be("cpu");
            await host.Client.DeleteAsync($"/v1/runs/{id}");
        }

        (await host.WaitForAsync(first))["state"]!.GetValue<string>().Should().Be("cancelled");
        (await host.WaitForAsync(second))["state"]!.GetValue<string>().Should().Be("cancelled");
    }

    [Fact]
    public async Task The_plain_number_keeps_its_meaning_workers_on_the_engines_device()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:Workers=3");
        var health = JsonNode.Parse(await host.Client.GetStringAsync("/v1/health"))!;
        ((int)health["workers"]!).Should().Be(3);
        health["devices"]!.AsArray().Select(d => ((string)d!["device"]!, (int)d["workers"]!)).Should().Equal(("default", 3));
        var id = (string)(await host.SubmitWaitAsync(1, 1))["id"]!;
        (await host.WaitForAsync(id))["state"]!.GetValue<string>().Should().Be("succeeded");
        var started = (await ServerEventStream.ReadAsync(host.Client, id)).Single(e => e.Kind == "started");
        JsonNode.Parse(started.Data)!["device"].Should().BeNull();
    }

    [Fact]
    public async Task A_device_that_is_not_present_stops_the_server_at_start_with_the_reason()
    {
        var start = () => ServerHost.StartAsync(null, false, "Server:Workers:0:Device=cpu", "Server:Workers:0:Count=1", "Server:Workers:1:Device=cuda:7", "Server:Workers:1:Count=1");
        var thrown = await start.Should().ThrowAsync<OptionsValidationException>();
        thrown.Which.Message.Should().Contain("Server:Workers:1:Device \"cuda:7\" cannot be used").And.Contain("CUDA");

        var empty = () => ServerHost.StartAsync(null, false, "Server:Workers:0:Count=2");
        (await empty.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("Server:Workers:0:Device is empty");
    }
}
