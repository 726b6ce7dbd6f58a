using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Server.BrowserTests;

/// <summary>The server in this process on a loopback port the OS picks, with the built-in plugins and the repository's pipelines.</summary>
public sealed class PageServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string dataDirectory;

    private PageServer(WebApplication app, string dataDirectory, string address)
    {
        this.app = app;
        this.dataDirectory = dataDirectory;
        Address = address;
    }

    public string Address { get; }

    public static async Task<PageServer> StartAsync(params string[] settings)
    {
        var root = RepositoryRoot();
        var data = Directory.CreateTempSubdirectory("diffusion-browser-tests-").FullName;
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--Server:DataDirectory={data}",
            $"--Server:PipelineDirectory={Path.Combine(root, "pipelines")}",
            "--Diffusion:Device=cpu",
            "--Logging:LogLevel:Default=Warning",
            .. settings.Select(s => "--" + s),
        ];
        var app = DiffusionServerApp.Build(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PageServer(app, data, address);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is the system's to clean.
        }
    }

    private static string RepositoryRoot()
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
