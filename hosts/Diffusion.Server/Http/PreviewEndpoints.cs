using System.Globalization;
using System.Text.RegularExpressions;
using Diffusion.Server.Queue;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Diffusion.Server.Http;

/// <summary><c>GET /v1/runs/{id}/preview</c>: the latest step preview of a run (a small PNG), as announced by its <c>preview</c> events.</summary>
internal static partial class PreviewEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/runs/{id}/preview", Preview).WithTags("runs").WithName("GetRunPreview")
            .WithSummary("The run's latest step preview (PNG; only the latest is kept). The ETag is its version.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult Preview(string id, HttpContext context, RunStore store)
    {
        if (!RunId().IsMatch(id) || store.Get(id) is null)
        {
            return Problems.RunNotFound(id);
        }

        if (store.GetPreview(id) is not { } preview)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "preview_not_found", "No preview yet",
                $"Run {id} has no preview: it has not reached a sampling step, its nodes make none, or previews are off (Server:PreviewInterval).");
        }

        // The URL of an event names a version, but only the latest is kept: the ETag tells which one this is.
        context.Response.Headers.ETag = $"\"{preview.Version.ToString(CultureInfo.InvariantCulture)}\"";
        context.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(preview.Png, "image/png");
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex RunId();
}
