using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Diffusion.Server.Tests;

/// <summary>Submit, poll, download, list, cancel: the life of a run through the API.</summary>
public sealed class RunLifecycleTests
{
    [Fact]
    public async Task A_posted_toy_pipeline_reads_the_shipped_model_from_the_input_root_and_its_table_downloads()
    {
        await using var host = await ServerHost.StartAsync(builtInPlugins: true);
        var pipeline = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(ServerHost.RepositoryRoot, "pipelines", "toy2d-sample.json")))!.AsObject();
        // The scatter plot is left out in this process: the test host resolves TorchSharp's SkiaSharp 2.88 for the
        // Images plugin (which ships 3.119); the server as its own process draws it (ServerProcessTests).
        pipeline["nodes"]!.AsObject().Remove("plot");
        var accepted = await host.SubmitAsync(new JsonObject
        {
            ["pipeline"] = pipeline,
            ["set"] = new JsonArray("sample.params.steps=4", "sample.params.count=64", "truth.params.count=64"),
            ["seed"] = 3,
        });
        ((string?)accepted["state"]).Should().Be("queued");
        var id = (string)accepted["id"]!;

        var run = await host.WaitForAsync(id);
        run["state"]!.GetValue<string>().Should().Be("succeeded", run.ToJsonString());
        run["progress"]!["nodesDone"]!.GetValue<int>().Should().Be(8);
        run["outputs"]!.AsArray().Select(o => (string)o!["name"]!).Should().Equal("toy2d-sample-metrics.md");

        using var table = await host.Client.GetAsync((string)run["outputs"]![0]!["url"]!);
        table.StatusCode.Should().Be(HttpStatusCode.OK);
        var text = await table.Content.ReadAsStringAsync();
        text.Should().StartWith("# Two moons from the shipped checkpoint").And.Contain("ddim-50");
        text.Length.Should().Be((int)run["outputs"]![0]!["bytes"]!);
        File.Exists(Path.Combine(host.DataDirectory, "runs", id, "toy2d-sample-metrics.md")).Should().BeTrue("outputs live under <data>/runs/<id>/");
    }

    [Fact]
    public async Task A_posted_pipeline_writes_its_file_in_the_run_folder_and_the_list_pages_newest_first()
    {
        await using var host = await ServerHost.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((string)(await host.SubmitWaitAsync(1, 1, text: $"run {i}"))["id"]!);
        }

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            (await host.WaitForAsync(id))["state"]!.GetValue<string>().Should().Be("succeeded");
            (await host.Client.GetStringAsync($"/v1/runs/{id}/outputs/wait.txt")).Should().Be($"run {i}");
        }

        var first = JsonNode.Parse(await host.Client.GetStringAsync("/v1/runs?limit=2"))!;
        first["runs"]!.AsArray().Select(r => (string)r!["id"]!).Should().Equal(ids[2], ids[1]);
        var next = (long)first["next"]!;
        var second = JsonNode.Parse(await host.Client.GetStringAsync($"/v1/runs?limit=2&before={next}"))!;
        second["runs"]!.AsArray().Select(r => (string)r!["id"]!).Should().Equal(ids[0]);
        second["next"].Should().BeNull();
        var succeeded = JsonNode.Parse(await host.Client.GetStringAsync("/v1/runs?state=succeeded"))!;
        succeeded["runs"]!.AsArray().Should().HaveCount(3);
        using var badState = await host.Client.GetAsync("/v1/runs?state=exploded");
        badState.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Cancelling_one_running_run_leaves_the_other_running_run_alone_and_a_finished_run_answers_409()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:Workers=2");
        var doomed = (string)(await host.SubmitWaitAsync(400, 25, "doomed"))["id"]!;
        var survivor = (string)(await host.SubmitWaitAsync(12, 25, "survivor"))["id"]!;
        await host.WaitForAsync(doomed, "running");
        await host.WaitForAsync(survivor, "running");

        using var cancel = await host.Client.DeleteAsync($"/v1/runs/{doomed}");
        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);

        var cancelled = await host.WaitForAsync(doomed);
        cancelled["state"]!.GetValue<string>().Should().Be("cancelled");
        ((string)cancelled["error"]!).Should().Contain("cancelled by a client");
        var finished = await host.WaitForAsync(survivor);
        finished["state"]!.GetValue<string>().Should().Be("succeeded");
        (await host.Client.GetStringAsync($"/v1/runs/{survivor}/outputs/wait.txt")).Should().Be("survivor");

        using var again = await host.Client.DeleteAsync($"/v1/runs/{survivor}");
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        ((string)(await ServerHost.ProblemAsync(again))["code"]!).Should().Be("run_finished");
        (await host.GetRunAsync(survivor))["state"]!.GetValue<string>().Should().Be("succeeded", "a refused cancel changes nothing");

        using var unknown = await host.Client.DeleteAsync("/v1/runs/0123456789abcdef0123456789abcdef");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_queued_run_is_cancelled_at_once_and_never_starts()
    {
        await using var host = await ServerHost.StartAsync();
        var blocker = (string)(await host.SubmitWaitAsync(400, 25))["id"]!;
        await host.WaitForAsync(blocker, "running");
        var queued = (string)(await host.SubmitWaitAsync(1, 1))["id"]!;

        using var cancel = await host.Client.DeleteAsync($"/v1/runs/{queued}");
        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var run = await host.GetRunAsync(queued);
        run["state"]!.GetValue<string>().Should().Be("cancelled");
        run["attempts"]!.GetValue<int>().Should().Be(0);
        (await host.Client.DeleteAsync($"/v1/runs/{blocker}")).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await host.WaitForAsync(blocker))["state"]!.GetValue<string>().Should().Be("cancelled");
    }

    [Fact]
    public async Task Higher_priority_runs_start_first()
    {
        await using var host = await ServerHost.StartAsync();
        var blocker = (string)(await host.SubmitWaitAsync(400, 25))["id"]!;
        await host.WaitForAsync(blocker, "running");
        var low = (string)(await host.SubmitWaitAsync(1, 1, priority: -5))["id"]!;
        var normal = (string)(await host.SubmitWaitAsync(1, 1))["id"]!;
        var high = (string)(await host.SubmitWaitAsync(1, 1, priority: 7))["id"]!;
        await host.Client.DeleteAsync($"/v1/runs/{blocker}");

        var started = new List<(string Id, DateTimeOffset At)>();
        foreach (var id in new[] { low, normal, high })
        {
            var run = await host.WaitForAsync(id);
            started.Add((id, run["startedAt"]!.GetValue<DateTimeOffset>()));
        }

        started.OrderBy(s => s.At).Select(s => s.Id).Should().Equal(high, normal, low);
    }

    [Fact]
    public async Task A_run_over_the_time_limit_is_failed_with_the_reason()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:RunTimeLimit=00:00:00.300");
        var id = (string)(await host.SubmitWaitAsync(200, 25))["id"]!;
        var run = await host.WaitForAsync(id);
        run["state"]!.GetValue<string>().Should().Be("failed");
        ((string)run["error"]!).Should().Contain("time limit").And.Contain("Server:RunTimeLimit");
    }

    [Fact]
    public async Task Catalog_health_and_openapi_describe_the_server()
    {
        await using var host = await ServerHost.StartAsync();
        var nodes = JsonNode.Parse(await host.Client.GetStringAsync("/v1/nodes"))!.AsArray();
        var wait = nodes.Single(n => (string)n!["name"]! == "test.wait")!;
        wait["params"]!.AsArray().Select(p => (string)p!["name"]!).Should().Contain(["steps", "step_ms", "path"]);
        ((string)wait["params"]!.AsArray().Single(p => (string)p!["name"]! == "path")!["path"]!).Should().Be("OutputFile");

        var health = JsonNode.Parse(await host.Client.GetStringAsync("/v1/health"))!;
        ((string)health["status"]!).Should().Be("ok");
        ((int)health["workers"]!).Should().Be(1);

        var pipelines = JsonNode.Parse(await host.Client.GetStringAsync("/v1/pipelines"))!.AsArray();
        pipelines.Select(p => (string)p!).Should().Contain("toy2d-sample");

        var openApi = JsonNode.Parse(await host.Client.GetStringAsync("/openapi/v1.json"))!;
        openApi["paths"]!.AsObject().Select(p => p.Key).Should().Contain(["/v1/runs", "/v1/runs/{id}", "/v1/runs/{id}/events", "/v1/nodes", "/v1/health"]);
    }
}
