using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Diffusion.Cluster.Tests;

/// <summary>One server-sent event as read off the wire.</summary>
public sealed record SseEvent(long Id, string Kind, JsonObject Data);

/// <summary>Reads <c>GET /v1/runs/{id}/events</c> to its end, as a client would.</summary>
public static class ServerEvents
{
    public static async Task<List<SseEvent>> ReadAllAsync(HttpClient client, string runId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/runs/{runId}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<SseEvent>();
        (long? id, string? kind, string? data) = (null, null, null);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (id is not null)
                {
                    events.Add(new SseEvent(id.Value, kind!, JsonNode.Parse(data!)!.AsObject()));
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
