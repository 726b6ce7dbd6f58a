using System.Net;
using Diffusion.Cluster.Execution;
using Diffusion.Cluster.Grains;
using Diffusion.Cluster.Placement;
using Diffusion.Cluster.Workers;
using Diffusion.Core;
using Diffusion.Server;
using Diffusion.Server.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Diffusion.Cluster.Hosting;

/// <summary>What a silo is made of: the engine and the server's run rules as a worker, the run grains, placement, Redis.</summary>
public static class ClusterSilo
{
    /// <summary>
    /// Adds the worker side: the engine (section <c>Diffusion</c>), the server's settings (section <c>Server</c>: data
    /// folder shared by all silos, pipeline folder, input roots, workers, limits), this silo's worker slots and status
    /// reports. Returns the engine's builder for plugin folders and node types.
    /// </summary>
    public static IDiffusionBuilder AddClusterWorker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var diffusion = services.AddDiffusion(configuration.GetSection(DiffusionOptions.SectionName));
        services.AddOptions<ServerOptions>().Bind(configuration.GetSection(ServerOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<ServerOptions>, ServerOptionsValidator>());
        services.AddOptions<ClusterSettings>().Bind(configuration.GetSection(ClusterSettings.SectionName));
        services.TryAddSingleton<PipelineCatalog>();
        services.TryAddSingleton<RunPipelineResolver>();
        services.TryAddSingleton<RunFolders>();
        services.TryAddSingleton<PipelineAttempt>();
        services.TryAddSingleton<ClusterRunExecutor>();
        services.TryAddSingleton<WorkerSlots>();
        services.TryAddSingleton<LoadedModels>();
        services.TryAddSingleton<ClusterView>();
        services.AddHostedService<WorkerReporter>();
        services.AddPlacementDirector<ModelAffinityPlacement, ModelAffinityPlacementDirector>();
        return diffusion;
    }

    /// <summary>Membership, run state, reminders and the grain directory in Redis, endpoints on loopback (or <c>Cluster:Address</c>), failure detection.</summary>
    public static ISiloBuilder UseClusterRedis(this ISiloBuilder silo, ClusterSettings settings, IPAddress? address = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        var redis = settings.Redis ?? throw new InvalidOperationException("Cluster:Redis is not set: give the Redis server that holds the cluster's state, e.g. --Cluster:Redis 127.0.0.1:6379.");
        silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        silo.AddRedisGrainStorage(ClusterStorage.Runs, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        silo.UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        // Where each run's activation lives, in Redis too: the default directory is spread over the silos, and the
        // entries a killed silo held are lost with it, so a call could start a second activation of a run that is
        // still running elsewhere (seen in the demo: 8 runs of 100 started twice). Redis keeps them; entries of dead
        // silos are removed when membership declares them dead.
        silo.UseRedisGrainDirectoryAsDefault(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.ConfigureEndpoints(address ?? IPAddress.Loopback, settings.SiloPort, settings.GatewayPort);
        return silo.UseClusterTimings(settings);
    }

    /// <summary>The reminder period of runs and, when asked, fast failure detection (see <see cref="ClusterSettings"/>).</summary>
    public static ISiloBuilder UseClusterTimings(this ISiloBuilder silo, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        silo.Configure<ReminderOptions>(o =>
        {
            if (settings.ReminderPeriod < o.MinimumReminderPeriod)
            {
                o.MinimumReminderPeriod = settings.ReminderPeriod;
            }
        });
        if (settings.FastFailureDetection)
        {
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            });
        }

        return silo;
    }
}
