using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Tests;

/// <summary>Optional API keys: off by default; with keys every API call but health needs one, by either header.</summary>
public sealed class ApiKeyTests
{
    private const string Key = "k3y-0123456789abcdef";
    private const string OtherKey = "second-key-fedcba9876543210";

    [Fact]
    public async Task With_keys_configured_requests_without_a_valid_key_get_401_and_health_and_the_page_stay_open()
    {
        await using var host = await ServerHost.StartAsync(null, false, $"Server:ApiKeys:0={Key}", $"Server:ApiKeys:1={OtherKey}");

        using var missing = await host.Client.GetAsync("/v1/runs");
        missing.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        missing.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
        ((string)(await ServerHost.ProblemAsync(missing))["code"]!).Should().Be("api_key_missing");

        using var wrong = await Send(host, HttpMethod.Get, "/v1/runs", request => request.Headers.Add("X-Api-Key", Key + "x"));
        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        ((string)(await ServerHost.ProblemAsync(wrong))["code"]!).Should().Be("api_key_invalid");
        using var prefix = await Send(host, HttpMethod.Get, "/v1/nodes", request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key[..^1]));
        prefix.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var openApi = await host.Client.GetAsync("/openapi/v1.json");
        openApi.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var posted = await host.Client.PostAsync("/v1/runs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        posted.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "nothing is read or queued before the key is checked");

        (await host.Client.GetAsync("/v1/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await host.Client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await host.Client.GetStringAsync("/v1/health"))!["authentication"]!.GetValue<bool>().Should().BeTrue();

        using var bearer = await Send(host, HttpMethod.Get, "/v1/runs", request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key));
        bearer.StatusCode.Should().Be(HttpStatusCode.OK);
        using var header = await Send(host, HttpMethod.Get, "/v1/nodes", request => request.Headers.Add("X-Api-Key", OtherKey));
        header.StatusCode.Should().Be(HttpStatusCode.OK);

        host.Client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        var id = (string)(await host.SubmitWaitAsync(1, 1, "with a key"))["id"]!;
        (await host.WaitForAsync(id))["state"]!.GetValue<string>().Should().Be("succeeded");
        (await host.Client.GetStringAsync($"/v1/runs/{id}/outputs/wait.txt")).Should().Be("with a key");
        (await ServerEventStream.ReadAsync(host.Client, id)).Last().Kind.Should().Be("finished");
    }

    [Fact]
    public async Task Without_keys_the_api_is_open_as_before()
    {
        await using var host = await ServerHost.StartAsync();
        (await host.Client.GetAsync("/v1/runs")).StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await host.Client.GetStringAsync("/v1/health"))!["authentication"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_short_key_stops_the_server_at_start_with_the_reason()
    {
        var start = () => ServerHost.StartAsync(null, false, "Server:ApiKeys:0=short");
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("Server:ApiKeys:0").And.Contain("at least 16");
    }

    private static async Task<HttpResponseMessage> Send(ServerHost host, HttpMethod method, string path, Action<HttpRequestMessage> configure)
    {
        using var request = new HttpRequestMessage(method, path);
        configure(request);
        return await host.Client.SendAsync(request);
    }
}
