using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Diffusion.Server.Tests;

/// <summary>One server-sent event as read off the wire.</summary>
public sealed record SseEvent(long Id, string Kind, string Data)
{
    /// <summary>The data parsed as the JSON object every event of the API carries.</summary>
    public JsonObject Json => JsonNode.Parse(Data)!.AsObject();
}

/// <summary>
/// Reads <c>GET /v1/runs/{id}/events</c> as a client would, optionally resuming with Last-Event-ID. Shared with the
/// cluster tests (whose front end is this server) as a linked file.
/// </summary>
public static class ServerEventStream
{
    public static async Task<List<SseEvent>> ReadAsync(HttpClient client, string runId, long? lastEventId = null, int? stopAfter = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/runs/{runId}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<SseEvent>();
        long? id = null;
        string? kind = null;
        string? data = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (id is not null)
                {
                    events.Add(new SseEvent(id.Value, kind!, data!));
                    if (events.Count == stopAfter)
                    {
                        break;
                    }
                }

                (id, kind, data) = (null, null, null);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                kind = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        return events;
    }
}
