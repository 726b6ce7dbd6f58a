using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Diffusion.Cluster.Grains;
using Diffusion.Cluster.Hosting;
using Diffusion.Server.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace Diffusion.Cluster.Tests;

/// <summary>
/// Three in-process silos (Orleans TestingHost) with the cluster's grains and the test node type, sharing one data
/// folder, and the real HTTP front end (Kestrel on a loopback port) on the test cluster's client. With a Redis server,
/// run state, reminders and the grain directory live in it through the Orleans Redis providers (as in production); without, in memory.
/// Membership is the test cluster's own (Orleans 10.4's in-process test cluster does not let it be replaced); Redis
/// membership is exercised by scripts/cluster-demo.sh with real processes.
/// </summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    private readonly WebApplication frontend;

    private ClusterHarness(InProcessTestCluster cluster, WebApplication frontend, string dataDirectory, Uri address)
    {
        Cluster = cluster;
        this.frontend = frontend;
        DataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public InProcessTestCluster Cluster { get; }

    public string DataDirectory { get; }

    public HttpClient Client { get; }

    public static async Task<ClusterHarness> StartAsync(string? redis, int silos = 3)
    {
        var data = Directory.CreateTempSubdirectory("diffusion-cluster-tests-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Server:DataDirectory"] = data,
            ["Server:ProgressInterval"] = "00:00:00",
            ["Server:Workers"] = "2",
            ["Diffusion:Device"] = "cpu",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var timings = new ClusterSettings { ReminderPeriod = TimeSpan.FromSeconds(5), FastFailureDetection = true };

        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddClusterWorker(configuration).AddNodeType<WaitNode>();
            if (redis is null)
            {
                silo.AddMemoryGrainStorage(ClusterStorage.Runs);
                silo.UseInMemoryReminderService();
            }
            else
            {
                silo.AddRedisGrainStorage(ClusterStorage.Runs, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
                silo.UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
                silo.UseRedisGrainDirectoryAsDefault(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            }

            silo.UseClusterTimings(timings);
        });
        builder.ConfigureClient(client =>
        {
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();

        var args = new[]
        {
            "--urls=http://127.0.0.1:0",
            $"--Server:DataDirectory={data}",
            "--Server:ProgressInterval=00:00:00",
            "--Server:NoBuiltInPlugins=true",
            "--Diffusion:Device=cpu",
            "--Logging:LogLevel:Default=Warning",
        };
        var app = ClusterFrontend.Build(
            args,
            web =>
            {
                web.Services.AddSingleton<IClusterClient>(cluster.Client);
                web.Services.AddSingleton<IGrainFactory>(cluster.Client);
            },
            (_, diffusion) => diffusion.AddNodeType<WaitNode>());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ClusterHarness(cluster, app, data, new Uri(address));
    }

    /// <summary>A pipeline of <c>test.wait</c> nodes run one after the other: (text, steps, step ms, file) each.</summary>
    public static JsonObject WaitPipeline(params (string Text, int Steps, int StepMs, string Path)[] nodes)
    {
        var json = new JsonObject();
        var index = 0;
        foreach (var (text, steps, stepMs, path) in nodes)
        {
            json[$"wait{++index}"] = new JsonObject
            {
                ["type"] = "test.wait",
                ["params"] = new JsonObject { ["steps"] = steps, ["step_ms"] = stepMs, ["text"] = text, ["path"] = path },
            };
        }

        return new JsonObject { ["version"] = 1, ["nodes"] = json };
    }

    public async Task<string> SubmitAsync(JsonObject pipeline)
    {
        using var response = await Client.PostAsJsonAsync("/v1/runs", new JsonObject { ["pipeline"] = pipeline });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, text);
        return (string)JsonNode.Parse(text)!["id"]!;
    }

    public async Task<JsonObject> GetRunAsync(string id) => JsonNode.Parse(await Client.GetStringAsync($"/v1/runs/{id}"))!.AsObject();

    /// <summary>Polls <c>GET /v1/runs/{id}</c> until the run ends.</summary>
    public async Task<JsonObject> WaitForEndAsync(string id, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var run = await GetRunAsync(id);
            if ((string?)run["state"] is "succeeded" or "failed" or "cancelled")
            {
                return run;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Run {id} did not end: {run.ToJsonString()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The run's stored events, read from its grain (without waiting for the run to end).</summary>
    public async Task<RunEventRow[]> EventsAsync(string id) => await Cluster.Client.GetGrain<IRunGrain>(id).ReadEvents(0, 10_000);

    /// <summary>Waits until the run's stored events satisfy <paramref name="condition"/>.</summary>
    public async Task<RunEventRow[]> WaitForEventsAsync(string id, Func<RunEventRow[], bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var events = await EventsAsync(id);
            if (condition(events))
            {
                return events;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Run {id}: {what} did not happen; events: {string.Join(" | ", events.Select(e => e.Data))}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await frontend.StopAsync();
        await frontend.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is left behind.
        }
    }
}
