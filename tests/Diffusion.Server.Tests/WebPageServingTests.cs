using System.Net;
using System.Text.Json.Nodes;

namespace Diffusion.Server.Tests;

/// <summary>The page's files and the pipeline documents it reads, over HTTP (the browser test drives the page itself).</summary>
public sealed class WebPageServingTests
{
    [Fact]
    public async Task The_page_is_served_from_the_assembly_with_a_self_only_policy_and_unknown_names_are_404()
    {
        await using var host = await ServerHost.StartAsync();
        using var page = await host.Client.GetAsync("/");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'self'").And.Contain("script-src 'self'");
        (await page.Content.ReadAsStringAsync()).Should().Contain("<script type=\"module\" src=\"/ui/app.js\">");

        foreach (var (name, type) in new[] { ("app.js", "text/javascript"), ("api.js", "text/javascript"), ("form.js", "text/javascript"), ("style.css", "text/css") })
        {
            using var file = await host.Client.GetAsync($"/ui/{name}");
            file.StatusCode.Should().Be(HttpStatusCode.OK, name);
            file.Content.Headers.ContentType!.MediaType.Should().Be(type, name);
            using var again = new HttpRequestMessage(HttpMethod.Get, $"/ui/{name}");
            again.Headers.TryAddWithoutValidation("If-None-Match", file.Headers.ETag!.Tag);
            (await host.Client.SendAsync(again)).StatusCode.Should().Be(HttpStatusCode.NotModified, name);
        }

        foreach (var path in new[] { "/ui/missing.js", "/ui/..%2Fserver.db", "/ui/%2E%2E%2Fappsettings.json", "/ui/index.htm" })
        {
            (await host.Client.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.NotFound, path);
        }
    }

    [Fact]
    public async Task The_page_can_be_turned_off()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:WebPage=false");
        (await host.Client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await host.Client.GetAsync("/v1/health")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_named_pipeline_document_is_served_by_name_only()
    {
        await using var host = await ServerHost.StartAsync();
        var document = JsonNode.Parse(await host.Client.GetStringAsync("/v1/pipelines/toy2d-sample"))!;
        document["nodes"]!["sample"]!["type"]!.GetValue<string>().Should().Be("sample");
        var onDisk = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(ServerHost.RepositoryRoot, "pipelines", "toy2d-sample.json")))!;
        JsonNode.DeepEquals(document, onDisk).Should().BeTrue();

        foreach (var name in new[] { "toy2d-sampel", "..%2Ftoy2d-sample", "%2Fetc%2Fpasswd", "toy2d-sample.json" })
        {
            using var response = await host.Client.GetAsync($"/v1/pipelines/{name}");
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, name);
            ((string)(await ServerHost.ProblemAsync(response))["code"]!).Should().Be("unknown_pipeline", name);
        }
    }
}
