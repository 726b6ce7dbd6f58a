using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Http;

/// <summary>
/// Optional API keys (<see cref="ServerOptions.ApiKeys"/>; none configured: everything is open, as before). With keys,
/// a request to <c>/v1/</c> or <c>/openapi/</c> other than <c>GET /v1/health</c> needs one, as
/// <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>; otherwise 401 problem+json. The web page
/// itself is static and open (it asks for a key and sends it). Keys are compared as SHA-256 digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither a key's content nor its length leaks through timing.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<ServerOptions> options)
{
    private readonly byte[][] keys = [.. options.Value.ApiKeys.Select(Digest)];

    public Task InvokeAsync(HttpContext context)
    {
        if (keys.Length == 0 || !IsProtected(context.Request) || Presented(context.Request) is { } key && Accepted(key))
        {
            return next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        var presented = Presented(context.Request) is not null;
        return Problems.Of(StatusCodes.Status401Unauthorized, presented ? "api_key_invalid" : "api_key_missing", "An API key is needed",
            presented
                ? "The API key sent is not one of this server's keys (Server:ApiKeys)."
                : "This server needs an API key: send it as \"Authorization: Bearer <key>\" or \"X-Api-Key: <key>\". GET /v1/health stays open.")
            .ExecuteAsync(context);
    }

    private static bool IsProtected(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/v1/health", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);
    }

    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7)
        {
            return header[7..].Trim();
        }

        var apiKey = request.Headers["X-Api-Key"].ToString();
        return apiKey.Length > 0 ? apiKey.Trim() : null;
    }

    private bool Accepted(string key)
    {
        var digest = Digest(key);
        var match = false;
        // Every key is compared, so the time does not say which one matched.
        foreach (var known in keys)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, known);
        }

        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
