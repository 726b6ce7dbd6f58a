using Diffusion.Cluster.Frontend;
using Diffusion.Cluster.Grains;
using Diffusion.Server;
using Diffusion.Server.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Diffusion.Cluster.Hosting;

/// <summary>
/// The front end: the server's HTTP API (same routes, same validation and limits) with its run service replaced by the
/// cluster's, an Orleans client on Redis, and <c>GET /v1/cluster/workers</c> (each silo's device, load and completed runs).
/// </summary>
public static class ClusterFrontend
{
    /// <summary>
    /// Builds the front end from command-line arguments (the server's, plus <c>--Cluster:Redis</c>).
    /// <paramref name="configureClient"/> replaces the Redis client (tests hand in their test cluster's client);
    /// <paramref name="configure"/> adds node types or settings as with <see cref="DiffusionServerApp.Build"/>.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureClient = null, Action<WebApplicationBuilder, Diffusion.Core.IDiffusionBuilder>? configure = null)
    {
        var app = DiffusionServerApp.Build(args, (builder, diffusion) =>
        {
            configure?.Invoke(builder, diffusion);
            var settings = builder.Configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
            builder.Services.AddOptions<ClusterSettings>().Bind(builder.Configuration.GetSection(ClusterSettings.SectionName));
            builder.Services.RemoveAll<IRunService>();
            builder.Services.AddSingleton<IRunService, ClusterRunService>();
            if (configureClient is not null)
            {
                configureClient(builder);
            }
            else
            {
                var redis = settings.Redis ?? throw new InvalidOperationException("Cluster:Redis is not set: give the Redis server of the cluster, e.g. --Cluster:Redis 127.0.0.1:6379.");
                builder.UseOrleansClient(client =>
                {
                    client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
                    client.Configure<Orleans.Configuration.ClusterOptions>(o =>
                    {
                        o.ClusterId = settings.ClusterId;
                        o.ServiceId = settings.ServiceId;
                    });
                    client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
                    client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
                });
            }
        });
        app.MapGet("/v1/cluster/workers", async (IClusterClient client) =>
            Results.Json(await ClusterCalls.RetryAsync(() => client.GetGrain<IWorkerRegistryGrain>(0).All(), CancellationToken.None).ConfigureAwait(false), ServerJson.Options))
            .WithName("ClusterWorkers").WithSummary("The cluster's silos: device, workers, runs executing and waiting, runs completed, models loaded.");
        return app;
    }
}
