using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Diffusion.Server.Http;

/// <summary>
/// The web page: the files of <c>wwwroot/</c>, embedded in the server's assembly (resources <c>webpage/&lt;name&gt;</c>),
/// served at <c>/</c> (index.html) and <c>/ui/&lt;name&gt;</c>. Embedded rather than read from a folder, so the page
/// is there wherever the server runs (from the repository, a test host, a publish folder) and a request path is only
/// ever looked up among the embedded names, never joined to a file path. Plain HTML, CSS and JavaScript modules: no
/// build step, nothing fetched from elsewhere at run time.
/// </summary>
internal static class WebPageEndpoints
{
    private const string Prefix = "webpage/";
    private static readonly Lazy<Dictionary<string, PageFile>> Files = new(Load);

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", (HttpContext context) => Serve(context, "index.html")).ExcludeFromDescription();
        routes.MapGet("/ui/{name}", (HttpContext context, string name) => Serve(context, name)).ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, string name)
    {
        if (!Files.Value.TryGetValue(name, out var file))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "not_found", "No such file", $"The web page has no file \"{Problems.Printable(name)}\".");
        }

        if (context.Request.Headers.IfNoneMatch.ToString() == file.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        context.Response.Headers.ETag = file.ETag;
        context.Response.Headers.CacheControl = "no-cache";
        // The page talks to this server only; it runs no inline script and embeds nothing from elsewhere.
        context.Response.Headers[HeaderNames.ContentSecurityPolicy] =
            "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(file.Content, file.ContentType);
    }

    private static Dictionary<string, PageFile> Load()
    {
        var assembly = typeof(WebPageEndpoints).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var files = new Dictionary<string, PageFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var name = resource[Prefix.Length..];
            var type = types.TryGetContentType(name, out var known) ? known : "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal))
            {
                type += "; charset=utf-8";
            }

            files[name] = new PageFile(content, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }

        return files;
    }

    private sealed record PageFile(byte[] Content, string ContentType, string ETag);
}
