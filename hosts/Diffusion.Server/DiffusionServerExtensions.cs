using Diffusion.Core;
using Diffusion.Server;
using Diffusion.Server.Http;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// The ASP.NET Core convention: AddX/MapX extensions live in these namespaces so they are found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the diffusion HTTP server (run queue, workers, endpoints) to an ASP.NET Core app.</summary>
public static class DiffusionServerExtensions
{
    /// <summary>
    /// Adds the engine (<c>AddDiffusion</c>, section <c>Diffusion</c>) and the server (section <c>Server</c>, see
    /// <see cref="ServerOptions"/>): the SQLite run queue in the data folder, the workers, the request limits and the
    /// OpenAPI document. Returns the engine's builder for plugin folders and app node types.
    /// </summary>
    public static IDiffusionBuilder AddDiffusionServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var diffusion = services.AddDiffusion(configuration.GetSection(DiffusionOptions.SectionName));
        var section = configuration.GetSection(ServerOptions.SectionName);
        services.AddOptions<ServerOptions>().Bind(section)
            .PostConfigure(o => WorkerPoolConfiguration.Apply(section.GetSection(nameof(ServerOptions.Workers)), o))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>());
        // Kestrel refuses bodies over the limit too, for endpoints that do not read through SubmissionReader.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>>((kestrel, server) =>
            kestrel.Limits.MaxRequestBodySize = server.Value.MaxRequestBodyBytes);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = ServerJson.Options.DefaultIgnoreCondition;
            o.SerializerOptions.Converters.Add(ServerJson.Options.Converters[0]);
        });

        services.TryAddSingleton(sp => new RunStore(sp.GetRequiredService<IOptions<ServerOptions>>().Value.DataDirectory));
        services.TryAddSingleton<RunEventNotifier>();
        services.TryAddSingleton<ActiveRuns>();
        services.TryAddSingleton<QueueSignal>();
        services.TryAddSingleton<RunDurations>();
        services.TryAddSingleton<RunFolders>();
        services.TryAddSingleton<PipelineCatalog>();
        services.TryAddSingleton<RunPipelineResolver>();
        services.TryAddSingleton<RunExecutor>();
        services.TryAddSingleton<PipelineAttempt>();
        services.TryAddSingleton(TimeProvider.System);
        // The endpoints' run service; a cluster front end replaces it (hosts/Diffusion.Cluster).
        services.TryAddSingleton<IRunService, LocalRunService>();
        services.AddHostedService<RunScheduler>();
        services.AddHostedService<RetentionService>();
        // API keys guard the API whichever way the app builds its pipeline (before routing, so no endpoint runs first).
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, ApiKeyStartupFilter>());
        services.AddProblemDetails();
        services.AddOpenApi();
        return diffusion;
    }

    /// <summary>
    /// Maps <c>/v1/runs</c> (submit, list, get, events, cancel, outputs, preview), <c>/v1/nodes</c>,
    /// <c>/v1/pipelines</c>, <c>/v1/health</c>, the OpenAPI document at <c>/openapi/v1.json</c> and, unless
    /// <c>Server:WebPage</c> is false, the web page at <c>/</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapDiffusionServer(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RunEndpoints.Map(routes);
        PreviewEndpoints.Map(routes);
        CatalogEndpoints.Map(routes);
        routes.MapOpenApi();
        if (routes.ServiceProvider.GetRequiredService<IOptions<ServerOptions>>().Value.WebPage)
        {
            WebPageEndpoints.Map(routes);
        }

        return routes;
    }
}
