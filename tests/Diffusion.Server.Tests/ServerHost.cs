using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Server.Tests;

/// <summary>
/// A real server (Kestrel on a loopback port chosen by the OS) on a data folder, with the test node type and, when asked,
/// the built-in plugins; a second host on the same folder is a restart.
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private ServerHost(WebApplication app, string dataDirectory, Uri address)
    {
        this.app = app;
        DataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public string DataDirectory { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>A fresh data folder, deleted when the test process exits (restart tests reuse one across hosts).</summary>
    public static string NewDataDirectory()
    {
        var folder = Directory.CreateTempSubdirectory("diffusion-server-tests-").FullName;
        lock (CreatedFolders)
        {
            if (CreatedFolders.Count == 0)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteCreatedFolders();
            }

            CreatedFolders.Add(folder);
        }

        return folder;
    }

    public static async Task<ServerHost> StartAsync(string? dataDirectory = null, bool builtInPlugins = false, params string[] settings)
    {
        dataDirectory ??= NewDataDirectory();
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--Server:DataDirectory={dataDirectory}",
            $"--Server:PipelineDirectory={Path.Combine(RepositoryRoot, "pipelines")}",
            $"--Server:InputRoots:0={Path.Combine(RepositoryRoot, "pipelines")}",
            "--Server:ProgressInterval=00:00:00",
            $"--Server:NoBuiltInPlugins={!builtInPlugins}",
            "--Diffusion:Device=cpu",
            "--Logging:LogLevel:Default=Warning",
        };
        args.AddRange(settings.Select(s => "--" + s));
        var app = DiffusionServerApp.Build([.. args], (_, diffusion) => diffusion.AddNodeType<WaitNode>().AddNodeType<PreviewNode>());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ServerHost(app, dataDirectory, new Uri(address));
    }

    /// <summary>A pipeline of one <c>test.wait</c> node.</summary>
    public static JsonObject WaitPipeline(int steps, int stepMs, string text = "done", string path = "wait.txt") => new()
    {
        ["version"] = 1,
        ["nodes"] = new JsonObject
        {
            ["wait"] = new JsonObject
            {
                ["type"] = "test.wait",
                ["params"] = new JsonObject { ["steps"] = steps, ["step_ms"] = stepMs, ["text"] = text, ["path"] = path },
            },
        },
    };

    public async Task<JsonObject> SubmitAsync(JsonObject body)
    {
        using var response = await Client.PostAsJsonAsync("/v1/runs", body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    public Task<JsonObject> SubmitWaitAsync(int steps, int stepMs, string text = "done", int priority = 0) =>
        SubmitAsync(new JsonObject { ["pipeline"] = WaitPipeline(steps, stepMs, text), ["priority"] = priority });

    public async Task<JsonObject> GetRunAsync(string id) => JsonNode.Parse(await Client.GetStringAsync($"/v1/runs/{id}"))!.AsObject();

    /// <summary>Polls the run until it is in one of <paramref name="states"/> (default: any end state).</summary>
    public async Task<JsonObject> WaitForAsync(string id, params string[] states)
    {
        states = states.Length > 0 ? states : ["succeeded", "failed", "cancelled"];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var run = await GetRunAsync(id);
            if (states.Contains((string?)run["state"]))
            {
                return run;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Run {id} did not reach {string.Join("/", states)}: {run.ToJsonString()}");
            }

            await Task.Delay(20);
        }
    }

    public static async Task<JsonObject> ProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static readonly List<string> CreatedFolders = [];

    private static void DeleteCreatedFolders()
    {
        lock (CreatedFolders)
        {
            foreach (var folder in CreatedFolders)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                    // Best effort: a folder still in use is left in the temp folder.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Pipeline.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Pipeline.sln not found above the test folder.");
    }
}
