using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;
using Diffusion.Torch.Files;
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
        routes.MapGet("/v1/pipelines/{name}", PipelineDocument).WithTags("catalog").WithName("GetPipeline")
            .WithSummary("The document of a named pipeline (what POST /v1/runs {\"name\": ...} runs), for editors and the web page.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound);
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

    private static IResult PipelineDocument(string name, PipelineCatalog catalog)
    {
        // The name is looked up among the listed files, never joined to a path.
        if (catalog.Find(name) is not { } file)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown_pipeline", "No such pipeline",
                $"There is no pipeline named \"{Problems.Printable(name)}\".{Suggestions.DidYouMean(name, catalog.Names)} GET /v1/pipelines lists them.");
        }

        try
        {
            return Results.Text(SafeFile.ReadAllText(file, PipelineReader.MaxFileBytes, "Pipeline file"), "application/json");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FileRefusedException)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown_pipeline", "The pipeline cannot be read", $"Pipeline \"{Problems.Printable(name)}\" cannot be read: {ex.Message}");
        }
    }

    private static async Task<IResult> Health(IRunService runs, PluginInventory plugins, ActiveRuns active, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        // Through the run service, not the local store: a cluster front end's own queue is empty.
        var (queued, running) = await runs.CountsAsync(cancellationToken).ConfigureAwait(false);
        var server = options.Value;
        return Results.Json(
            new HealthView("ok", typeof(CatalogEndpoints).Assembly.GetName().Version?.ToString() ?? "", queued, running, active.Count, server.Workers, server.MaxQueuedRuns, plugins.Loaded.Count, plugins.Failed.Count)
            {
                Devices = [.. RunScheduler.WorkerDevices(server).GroupBy(d => d ?? "default").Select(g => new WorkerPoolView(g.Key, g.Count()))],
                Authentication = server.ApiKeys.Count > 0,
                Previews = server.PreviewInterval > TimeSpan.Zero,
            },
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
public sealed record HealthView(string Status, string Version, int Queued, int Running, int ExecutingHere, int Workers, int MaxQueuedRuns, int PluginsLoaded, int PluginsRefused)
{
    /// <summary>Workers per device (<c>default</c>: the engine's device).</summary>
    public IReadOnlyList<WorkerPoolView> Devices { get; init; } = [];

    /// <summary>Whether requests need an API key.</summary>
    public bool Authentication { get; init; }

    /// <summary>Whether runs stream step previews.</summary>
    public bool Previews { get; init; }
}

/// <summary>How many workers run on a device.</summary>
public sealed record WorkerPoolView(string Device, int Workers);
