using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Http;

/// <summary><c>/v1/nodes</c>, <c>/v1/pipelines</c> and <c>/v1/health</c>: what the server can run and how it is doing.</summary>
internal static class CatalogEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/nodes", Nodes).WithTags("catalog").WithName("ListNodeTypes")
            .WithSummary("Node types loaded: ports, params with kinds, defaults, ranges and docs.").Produces<IReadOnlyList<NodeTypeView>>();
        routes.MapGet("/v1/pipelines", (PipelineCatalog catalog) => Results.Json(catalog.Names, ServerJson.Options))
            .WithTags("catalog").WithName("ListPipelines").WithSummary("Names accepted by POST /v1/runs {\"name\": ...}.").Produces<IReadOnlyList<string>>();
        routes.MapGet("/v1/health", Health).WithTags("health").WithName("Health")
            .WithSummary("Queue depth, workers and plugins.").Produces<HealthView>();
    }

    private static IResult Nodes(NodeTypeRegistry registry) => Results.Json(
        registry.All.Select(t => new NodeTypeView(
            t.Descriptor.Name,
            t.PluginId,
            t.Descriptor.Category,
            t.Descriptor.Description,
            [.. t.Descriptor.Inputs.Select(PortView.From)],
            [.. t.Descriptor.Outputs.Select(PortView.From)],
            [.. t.Descriptor.Params.Select(ParamView.From)])).ToList(),
        ServerJson.Options);

    private static IResult Health(RunStore store, PluginInventory plugins, ActiveRuns active, IOptions<ServerOptions> options)
    {
        var (queued, running) = store.Counts();
        return Results.Json(
            new HealthView("ok", typeof(CatalogEndpoints).Assembly.GetName().Version?.ToString() ?? "", queued, running, active.Count, options.Value.Workers, options.Value.MaxQueuedRuns, plugins.Loaded.Count, plugins.Failed.Count),
            ServerJson.Options);
    }
}

/// <summary>A node type as <c>GET /v1/nodes</c> shows it.</summary>
public sealed record NodeTypeView(string Name, string Plugin, string Category, string Description, IReadOnlyList<PortView> Inputs, IReadOnlyList<PortView> Outputs, IReadOnlyList<ParamView> Params);

/// <summary>An input or output port.</summary>
public sealed record PortView(string Name, string Type, string Description, bool Optional, bool Variadic)
{
    internal static PortView From(PortDescriptor port) => new(port.Name, port.Type.Name, port.Description, port.Optional, port.Variadic);
}

/// <summary>A param: its kind, default, range, choices and whether it names a file.</summary>
public sealed record ParamView(string Name, string Kind, string Description, System.Text.Json.Nodes.JsonNode? Default, bool Required, double? Minimum, double? Maximum, IReadOnlyList<string>? Choices, string? Path)
{
    internal static ParamView From(ParamDescriptor param) => new(
        param.Name,
        param.Kind.ToString(),
        param.Description,
        param.Default?.DeepClone(),
        param.Required,
        param.Minimum,
        param.Maximum,
        param.Choices,
        param.Path == PathKind.None ? null : param.Path.ToString());
}

/// <summary>The server's health: queue depth, runs in progress, workers, plugins.</summary>
public sealed record HealthView(string Status, string Version, int Queued, int Running, int ExecutingHere, int Workers, int MaxQueuedRuns, int PluginsLoaded, int PluginsRefused);
