using System.Text.Json;
using Diffusion.Server.Queue;
using Microsoft.AspNetCore.Http;

namespace Diffusion.Server.Http;

/// <summary>
/// Reads the body of <c>POST /v1/runs</c> within the limits: at most <see cref="ServerOptions.MaxRequestBodyBytes"/>
/// bytes (counted while reading, so a body without Content-Length cannot exceed it either), JSON nested at most
/// <see cref="ServerOptions.MaxJsonDepth"/> deep, known fields only.
/// </summary>
internal static class SubmissionReader
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal) { "pipeline", "name", "set", "priority", "seed" };

    /// <summary>The most and least priority a request may ask for.</summary>
    public const int MaxPriority = 100;

    public static async Task<(Submission? Submission, IResult? Problem)> ReadAsync(HttpRequest request, ServerOptions options, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The body must be JSON",
                "Send the run request as JSON with Content-Type: application/json."));
        }

        if (request.ContentLength > options.MaxRequestBodyBytes)
        {
            return (null, TooLarge(options, request.ContentLength.Value));
        }

        byte[] body;
        try
        {
            body = await ReadBoundedAsync(request.Body, options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(options, null));
        }

        if (body.LongLength > options.MaxRequestBodyBytes)
        {
            return (null, TooLarge(options, null));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = options.MaxJsonDepth });
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest("json_syntax",
                $"The body is not JSON this server accepts (at most {options.MaxJsonDepth} levels deep, Server:MaxJsonDepth): line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {FirstSentence(ex.Message)}"));
        }

        using (document)
        {
            return Interpret(document.RootElement, options);
        }
    }

    private static (Submission?, IResult?) Interpret(JsonElement root, ServerOptions options)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, Problems.BadRequest("invalid_request", "The body is a JSON object: {\"pipeline\": {...}} or {\"name\": \"...\", \"set\": [\"node.params.key=value\"]}, with optional \"priority\" and \"seed\"."));
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!Fields.Contains(property.Name))
            {
                return (null, Problems.BadRequest("unknown_field", $"Unknown field \"{Problems.Printable(property.Name)}\"; the fields are pipeline, name, set, priority and seed.", "/" + property.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
            }
        }

        var hasPipeline = root.TryGetProperty("pipeline", out var pipeline);
        var hasName = root.TryGetProperty("name", out var name);
        if (hasPipeline == hasName)
        {
            return (null, Problems.BadRequest("invalid_request", "Give exactly one of \"pipeline\" (a pipeline document) and \"name\" (a pipeline of the server's folder; GET /v1/pipelines lists them)."));
        }

        if (hasPipeline && pipeline.ValueKind != JsonValueKind.Object)
        {
            return (null, Problems.BadRequest("invalid_request", "\"pipeline\" is a pipeline document: a JSON object with \"version\": 1 and \"nodes\".", "/pipeline"));
        }

        if (hasName && (name.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(name.GetString())))
        {
            return (null, Problems.BadRequest("invalid_request", "\"name\" is the name of a pipeline of the server's folder, a non-empty string.", "/name"));
        }

        var set = new List<string>();
        if (root.TryGetProperty("set", out var overrides))
        {
            if (overrides.ValueKind != JsonValueKind.Array)
            {
                return (null, Problems.BadRequest("invalid_request", "\"set\" is a list of overrides like \"sample.params.steps=20\".", "/set"));
            }

            var index = 0;
            foreach (var item in overrides.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return (null, Problems.BadRequest("invalid_request", "Each override is a string like \"sample.params.steps=20\".", $"/set/{index}"));
                }

                set.Add(item.GetString()!);
                index++;
            }

            if (set.Count > options.MaxOverrides)
            {
                return (null, Problems.BadRequest("invalid_request", $"{set.Count} overrides; this server takes at most {options.MaxOverrides} (Server:MaxOverrides).", "/set"));
            }
        }

        var priority = 0;
        if (root.TryGetProperty("priority", out var priorityElement)
            && (!priorityElement.TryGetInt32(out priority) || priority is < -MaxPriority or > MaxPriority))
        {
            return (null, Problems.BadRequest("invalid_request", $"\"priority\" is a whole number from {-MaxPriority} to {MaxPriority} (higher runs first; default 0).", "/priority"));
        }

        long seed = 0;
        if (root.TryGetProperty("seed", out var seedElement) && !seedElement.TryGetInt64(out seed))
        {
            return (null, Problems.BadRequest("invalid_request", "\"seed\" is a whole number (the run's default seed).", "/seed"));
        }

        var stored = new StoredRequest(hasPipeline ? pipeline.GetRawText() : null, hasName ? name.GetString() : null, set, seed);
        return (new Submission(stored, priority), null);
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                break;
            }
        }

        return buffer.ToArray();
    }

    private static IResult TooLarge(ServerOptions options, long? declared) => Problems.Of(
        StatusCodes.Status413PayloadTooLarge,
        "request_too_large",
        "The request body is too large",
        $"The body{(declared is { } d ? $" ({d} bytes)" : "")} is over this server's limit of {options.MaxRequestBodyBytes} bytes (Server:MaxRequestBodyBytes). Send a smaller pipeline, or a name and overrides.");

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}

/// <summary>An accepted request body: what to run and its priority.</summary>
internal sealed record Submission(StoredRequest Request, int Priority);
