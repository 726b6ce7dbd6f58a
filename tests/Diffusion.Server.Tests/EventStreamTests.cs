using System.Text.Json.Nodes;

namespace Diffusion.Server.Tests;

/// <summary>Server-sent events: ids, order, kinds, and resuming with Last-Event-ID.</summary>
public sealed class EventStreamTests
{
    [Fact]
    public async Task The_stream_has_consecutive_ids_from_queued_to_finished_and_ends()
    {
        await using var host = await ServerHost.StartAsync();
        var id = (string)(await host.SubmitWaitAsync(5, 5))["id"]!;
        var events = await ServerEventStream.ReadAsync(host.Client, id);

        events.Select(e => e.Id).Should().Equal(Enumerable.Range(1, events.Count).Select(i => (long)i));
        events.First().Kind.Should().Be("queued");
        events[1].Kind.Should().Be("started");
        events.Last().Kind.Should().Be("finished");
        var steps = events.Where(e => e.Kind == "step").Select(e => JsonNode.Parse(e.Data)!).ToList();
        steps.Select(s => (int)s["step"]!).Should().Equal(1, 2, 3, 4, 5);
        steps.Select(s => (double)s["values"]!["step_squared"]!).Should().Equal(1, 4, 9, 16, 25);
        events.Where(e => e.Kind == "node").Select(e => (string)JsonNode.Parse(e.Data)!["status"]!).Should().Equal("started", "finished");
        events.Select(e => (string)JsonNode.Parse(e.Data)!["run"]!).Should().AllBe(id);
    }

    [Fact]
    public async Task A_client_that_drops_mid_run_and_reconnects_with_Last_Event_ID_misses_nothing_and_sees_nothing_twice()
    {
        await using var host = await ServerHost.StartAsync();
        var id = (string)(await host.SubmitWaitAsync(30, 20))["id"]!;

        // Read a few events live, hang up, wait so that events pile up, and come back.
        var before = await ServerEventStream.ReadAsync(host.Client, id, stopAfter: 4);
        before.Should().HaveCount(4);
        await Task.Delay(150);
        var after = await ServerEventStream.ReadAsync(host.Client, id, lastEventId: before[^1].Id);

        var whole = await ServerEventStream.ReadAsync(host.Client, id);
        before.Concat(after).Should().Equal(whole);
        whole.Last().Kind.Should().Be("finished");
        whole.Count(e => e.Kind == "step").Should().Be(30);

        // Resuming after the last event of an ended run gives an empty stream that ends at once.
        (await ServerEventStream.ReadAsync(host.Client, id, lastEventId: whole[^1].Id)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_stream_for_an_unknown_run_is_404()
    {
        await using var host = await ServerHost.StartAsync();
        using var response = await host.Client.GetAsync("/v1/runs/ffffffffffffffffffffffffffffffff/events");
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }
}
