using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Diffusion.Server.Tests;

/// <summary>Requests a stranger might send: each gets a clear 4xx problem+json and the server keeps serving.</summary>
public sealed class HostileRequestTests
{
    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Bad_pipelines_get_400_problem_json_listing_every_issue_with_pointer_and_code()
    {
        await using var host = await ServerHost.StartAsync();
        var pipeline = ServerHost.WaitPipeline(1, 1);
        pipeline["nodes"]!["ghost"] = new JsonObject { ["type"] = "no.such.type" };
        pipeline["nodes"]!["wait"]!["params"]!["steps"] = "many";
        using var response = await host.Client.PostAsJsonAsync("/v1/runs", new JsonObject { ["pipeline"] = pipeline });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await ServerHost.ProblemAsync(response);
        ((string)problem["code"]!).Should().Be("invalid_pipeline");
        var issues = problem["issues"]!.AsArray().Select(i => ((string)i!["code"]!, (string)i["pointer"]!)).ToList();
        issues.Should().Contain(("unknown_node_type", "/pipeline/nodes/ghost/type"));
        issues.Should().Contain(("param_type", "/pipeline/nodes/wait/params/steps"));
        (await RunCount(host)).Should().Be(0, "nothing invalid is queued");
    }

    [Fact]
    public async Task Malformed_bodies_are_refused_with_their_own_codes()
    {
        await using var host = await ServerHost.StartAsync();
        async Task<string> Code(HttpContent content, HttpStatusCode status)
        {
            using var response = await host.Client.PostAsync("/v1/runs", content);
            response.StatusCode.Should().Be(status);
            return (string)(await ServerHost.ProblemAsync(response))["code"]!;
        }

        (await Code(Json("{\"pipeline\": {"), HttpStatusCode.BadRequest)).Should().Be("json_syntax");
        (await Code(Json("[1, 2]"), HttpStatusCode.BadRequest)).Should().Be("invalid_request");
        (await Code(Json("{\"pipeline\": {}, \"name\": \"toy2d-sample\"}"), HttpStatusCode.BadRequest)).Should().Be("invalid_request");
        (await Code(Json("{\"name\": \"toy2d-sample\", \"shell\": \"rm -rf /\"}"), HttpStatusCode.BadRequest)).Should().Be("unknown_field");
        (await Code(Json("{\"name\": \"toy2d-sample\", \"priority\": 1e9}"), HttpStatusCode.BadRequest)).Should().Be("invalid_request");
        (await Code(new StringContent("name=toy2d-sample", Encoding.UTF8, "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType)).Should().Be("unsupported_media_type");
    }

    [Fact]
    public async Task Deep_json_is_refused_before_it_reaches_the_engine()
    {
        await using var host = await ServerHost.StartAsync();
        var deep = "{\"pipeline\": {\"version\": 1, \"nodes\": {\"wait\": {\"type\": \"test.wait\", \"params\": {\"text\": "
            + new string('[', 5000) + new string(']', 5000) + "}}}}}";
        using var response = await host.Client.PostAsync("/v1/runs", Json(deep));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await ServerHost.ProblemAsync(response);
        ((string)problem["code"]!).Should().Be("json_syntax");
        ((string)problem["detail"]!).Should().Contain("levels deep");
        (await host.Client.GetAsync("/v1/health")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Oversized_bodies_get_413_whether_declared_or_streamed()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:MaxRequestBodyBytes=65536");
        var big = "{\"pipeline\": {\"version\": 1, \"nodes\": {\"wait\": {\"type\": \"test.wait\", \"params\": {\"text\": \"" + new string('x', 100_000) + "\"}}}}}";

        using (var declared = await host.Client.PostAsync("/v1/runs", Json(big)))
        {
            declared.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
            ((string)(await ServerHost.ProblemAsync(declared))["code"]!).Should().Be("request_too_large");
        }

        // Chunked: no Content-Length, so the limit is enforced while reading.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        try
        {
            using var streamed = await host.Client.SendAsync(request);
            streamed.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        }
        catch (HttpRequestException)
        {
            // The server answered 413 and closed the connection while the client was still sending: also a refusal.
        }

        (await RunCount(host)).Should().Be(0);
        (await host.SubmitWaitAsync(1, 1))["state"]!.GetValue<string>().Should().Be("queued", "the server keeps serving");
    }

    [Fact]
    public async Task Graphs_over_the_node_limit_are_refused()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:MaxNodes=5");
        var nodes = new JsonObject();
        for (var i = 0; i < 6; i++)
        {
            nodes[$"w{i}"] = new JsonObject { ["type"] = "test.wait", ["params"] = new JsonObject { ["path"] = $"w{i}.txt" } };
        }

        using var response = await host.Client.PostAsJsonAsync("/v1/runs", new JsonObject { ["pipeline"] = new JsonObject { ["version"] = 1, ["nodes"] = nodes } });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var issue = (await ServerHost.ProblemAsync(response))["issues"]![0]!;
        ((string)issue["code"]!).Should().Be("graph_too_large");
        ((string)issue["pointer"]!).Should().Be("/pipeline/nodes");
    }

    [Fact]
    public async Task Path_traversal_in_names_params_overrides_ids_and_output_names_goes_nowhere()
    {
        await using var host = await ServerHost.StartAsync();

        async Task<List<(string Code, string Pointer)>> Issues(JsonObject body)
        {
            using var response = await host.Client.PostAsJsonAsync("/v1/runs", body);
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            return [.. (await ServerHost.ProblemAsync(response))["issues"]!.AsArray().Select(i => ((string)i!["code"]!, (string)i["pointer"]!))];
        }

        (await Issues(new JsonObject { ["name"] = "../../../etc/passwd" })).Should().Equal([("unknown_pipeline", "/name")]);
        (await Issues(new JsonObject { ["name"] = "/work/pipelines/toy2d-sample" })).Should().Equal([("unknown_pipeline", "/name")]);
        (await Issues(new JsonObject { ["pipeline"] = ServerHost.WaitPipeline(1, 1, path: "../../escape.txt") }))
            .Should().Equal([("path_outside_root", "/pipeline/nodes/wait/params/path")]);
        (await Issues(new JsonObject { ["pipeline"] = ServerHost.WaitPipeline(1, 1, path: "/tmp/escape.txt") }))
            .Should().Equal([("path_outside_root", "/pipeline/nodes/wait/params/path")]);
        (await Issues(new JsonObject { ["pipeline"] = ServerHost.WaitPipeline(1, 1), ["set"] = new JsonArray("wait.params.path=../../../escape.txt") }))
            .Should().Equal([("path_outside_root", "/pipeline/nodes/wait/params/path")]);

        // A posted pipeline reads only from the configured input root: not /etc, not the server's data folder.
        var reader = new JsonObject
        {
            ["version"] = 1,
            ["nodes"] = new JsonObject { ["net"] = new JsonObject { ["type"] = "denoiser.mlp2d", ["params"] = new JsonObject { ["checkpoint"] = "/etc/passwd" } } },
        };
        using (var noPlugin = await host.Client.PostAsJsonAsync("/v1/runs", new JsonObject { ["pipeline"] = reader }))
        {
            noPlugin.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }

        var id = (string)(await host.SubmitWaitAsync(1, 1))["id"]!;
        await host.WaitForAsync(id);
        foreach (var name in new[] { "../server.db", "..%2F..%2Fserver.db", "%2Fetc%2Fpasswd", "wait.txt%00", "wait.txt/..%2F..%2F..%2Fserver.db" })
        {
            using var output = await host.Client.GetAsync($"/v1/runs/{id}/outputs/{name}");
            // Kestrel itself refuses some (an encoded NUL is 400); none is served.
            output.StatusCode.Should().BeOneOf([HttpStatusCode.NotFound, HttpStatusCode.BadRequest], name);
        }

        foreach (var runId in new[] { "..", "..%2F..%2Fetc", id.ToUpperInvariant(), id + "x" })
        {
            using var run = await host.Client.GetAsync($"/v1/runs/{runId}");
            run.StatusCode.Should().Be(HttpStatusCode.NotFound, runId);
        }

        (await host.Client.GetStringAsync($"/v1/runs/{id}/outputs/wait.txt")).Should().Be("done");
    }

    [Fact]
    public async Task Posted_pipelines_read_inputs_only_inside_the_configured_root()
    {
        await using var host = await ServerHost.StartAsync(builtInPlugins: true);
        JsonObject Reading(string checkpoint) => new()
        {
            ["pipeline"] = new JsonObject
            {
                ["version"] = 1,
                ["nodes"] = new JsonObject { ["net"] = new JsonObject { ["type"] = "denoiser.mlp2d", ["params"] = new JsonObject { ["checkpoint"] = checkpoint } } },
            },
        };

        foreach (var outside in new[] { "/etc/passwd", "../README.md", Path.Combine(host.DataDirectory, "server.db") })
        {
            using var response = await host.Client.PostAsJsonAsync("/v1/runs", Reading(outside));
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, outside);
            var issue = (await ServerHost.ProblemAsync(response))["issues"]![0]!;
            ((string)issue["code"]!).Should().Be("path_outside_root", outside);
            ((string)issue["pointer"]!).Should().Be("/pipeline/nodes/net/params/checkpoint");
        }

        (await host.SubmitAsync(Reading("models/toy2d-two-moons.safetensors")))["state"]!.GetValue<string>().Should().Be("queued");
    }

    [Fact]
    public async Task A_flood_past_the_queue_bound_gets_429_with_Retry_After_and_accepted_runs_still_finish()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:MaxQueuedRuns=3");
        var blocker = (string)(await host.SubmitWaitAsync(400, 25))["id"]!;
        await host.WaitForAsync(blocker, "running");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            host.Client.PostAsJsonAsync("/v1/runs", new JsonObject { ["pipeline"] = ServerHost.WaitPipeline(1, 1) })));
        responses.Count(r => r.StatusCode == HttpStatusCode.Accepted).Should().Be(3);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        refused.Should().HaveCount(7);
        foreach (var response in refused)
        {
            response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 3600);
            ((string)(await ServerHost.ProblemAsync(response))["code"]!).Should().Be("queue_full");
        }

        await host.Client.DeleteAsync($"/v1/runs/{blocker}");
        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.Accepted))
        {
            var id = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!;
            (await host.WaitForAsync(id))["state"]!.GetValue<string>().Should().Be("succeeded");
        }

        responses.ToList().ForEach(r => r.Dispose());
    }

    private static async Task<int> RunCount(ServerHost host) =>
        JsonNode.Parse(await host.Client.GetStringAsync("/v1/runs"))!["runs"]!.AsArray().Count;
}
