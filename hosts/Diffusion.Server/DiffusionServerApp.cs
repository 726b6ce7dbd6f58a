using Diffusion.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Server;

/// <summary>Builds the server app: <c>Program</c> uses it, and so do tests (with their own settings and node types).</summary>
public static class DiffusionServerApp
{
    /// <summary>The address used when none is configured (<c>--urls</c>, <c>ASPNETCORE_URLS</c>): loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The built-in plugins copied next to the server.</summary>
    public static string BuiltInPluginFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>
    /// Creates the app from command-line arguments (<c>--Server:DataDirectory d</c>, <c>--urls</c>, ...), loading the
    /// built-in plugins unless <c>Server:NoBuiltInPlugins</c> is true; <paramref name="configure"/> adds settings,
    /// plugin folders or node types before the app is built.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder, IDiffusionBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var diffusion = builder.Services.AddDiffusionServer(builder.Configuration);
        if (!builder.Configuration.GetValue<bool>("Server:NoBuiltInPlugins") && Directory.Exists(BuiltInPluginFolder))
        {
            diffusion.AddPluginFolder(BuiltInPluginFolder);
        }

        configure?.Invoke(builder, diffusion);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapDiffusionServer();
        return app;
    }
}
