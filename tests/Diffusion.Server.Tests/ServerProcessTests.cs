using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Diffusion.Server.Tests;

/// <summary>
/// The built server as its own process (as <c>diffuse serve</c> starts it): a named pipeline drawn to PNG, then a
/// SIGKILL mid-run and a restart on the same data folder that settles every accepted run with a reason.
/// </summary>
public sealed partial class ServerProcessTests
{
    private static readonly string Configuration =
        typeof(ServerProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

    private static string ServerDll => Path.Combine(ServerHost.RepositoryRoot, "hosts", "Diffusion.Server", "bin", Configuration, "net10.0", "diffusion-server.dll");

    [Fact]
    public async Task A_server_killed_mid_run_keeps_every_accepted_run_after_a_restart()
    {
        var data = ServerHost.NewDataDirectory();
        string finished, killed, waiting;
        using (var first = await ServerProcess.StartAsync(data))
        {
            finished = await SubmitAsync(first.Client, "sample.params.steps=4", "sample.params.count=64", "truth.params.count=64");
            var done = await WaitAsync(first.Client, finished, run => run["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled");
            done["state"]!.GetValue<string>().Should().Be("succeeded", done.ToJsonString());
            var png = await first.Client.GetByteArrayAsync($"/v1/runs/{finished}/outputs/toy2d-sample.png");
            png.Should().StartWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 });

            // A long run, and one queued behind it (one worker); kill the process while the first samples.
            killed = await SubmitAsync(first.Client, "sample.params.steps=1000", "sample.params.count=50000");
            waiting = await SubmitAsync(first.Client, "sample.params.steps=4", "sample.params.count=64", "truth.params.count=64");
            var sampling = await WaitAsync(first.Client, killed, run => run["state"]!.GetValue<string>() != "queued" && run["state"]!.GetValue<string>() != "running"
                || (run["progress"]?["node"]?.GetValue<string>() == "sample" && run["progress"]!["step"] is not null));
            sampling["state"]!.GetValue<string>().Should().Be("running", sampling.ToJsonString());
            first.Kill();
        }

        using var second = await ServerProcess.StartAsync(data, "--Server:InterruptedRuns=Fail");
        var interrupted = await WaitAsync(second.Client, killed, run => run["state"]!.GetValue<string>() != "running");
        interrupted["state"]!.GetValue<string>().Should().Be("failed");
        ((string)interrupted["error"]!).Should().Contain("killed or crashed");
        var resumed = await WaitAsync(second.Client, waiting, run => run["state"]!.GetValue<string>() is "succeeded" or "failed");
        resumed["state"]!.GetValue<string>().Should().Be("succeeded", resumed.ToJsonString());
        (await second.Client.GetByteArrayAsync($"/v1/runs/{finished}/outputs/toy2d-sample.png")).Should().StartWith(new byte[] { 0x89, 0x50 });
    }

    private static async Task<string> SubmitAsync(HttpClient client, params string[] set)
    {
        using var response = await client.PostAsJsonAsync("/v1/runs", new JsonObject { ["name"] = "toy2d-sample", ["set"] = new JsonArray([.. set.Select(s => (JsonNode)s)]) });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, text);
        return (string)JsonNode.Parse(text)!["id"]!;
    }

    private static async Task<JsonObject> WaitAsync(HttpClient client, string id, Func<JsonObject, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var run = JsonNode.Parse(await client.GetStringAsync($"/v1/runs/{id}"))!.AsObject();
            if (until(run))
            {
                return run;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(run.ToJsonString());
            }

            await Task.Delay(25);
        }
    }

    /// <summary>The server process, on a loopback port it picks and prints.</summary>
    private sealed partial class ServerProcess : IDisposable
    {
        private readonly Process process;

        private ServerProcess(Process process, Uri address)
        {
            this.process = process;
            Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        }

        public HttpClient Client { get; }

        public static async Task<ServerProcess> StartAsync(string data, params string[] extra)
        {
            File.Exists(ServerDll).Should().BeTrue($"the server is built with the tests ({ServerDll})");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[]
            {
                ServerDll, "--urls", "http://127.0.0.1:0", "--Server:DataDirectory", data,
                "--Server:PipelineDirectory", Path.Combine(ServerHost.RepositoryRoot, "pipelines"),
                "--Diffusion:Device", "cpu", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information",
            }.Concat(extra))
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start)!;
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var log = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) =>
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }

                if (e.Data is not null && Listening().Match(e.Data) is { Success: true } match)
                {
                    listening.TrySetResult(new Uri(match.Groups[1].Value));
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var started = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
            if (started != listening.Task)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"The server did not start: {log}");
            }

            return new ServerProcess(process, await listening.Task);
        }

        /// <summary>SIGKILL: no shutdown code runs.</summary>
        public void Kill()
        {
            process.Kill();
            process.WaitForExit();
        }

        public void Dispose()
        {
            Client.Dispose();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }

        [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
        private static partial Regex Listening();
    }
}
