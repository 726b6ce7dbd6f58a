// The server's HTTP API as the page uses it: JSON calls, authenticated downloads (blob URLs) and the server-sent
// event stream read with fetch, so an API key can go in a header (EventSource cannot send one).

const keyStorage = 'diffusion.apiKey';

/** An answer other than 2xx, with the problem+json body when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

export class Api {
  constructor() {
    this.key = localStorage.getItem(keyStorage) ?? '';
  }

  setKey(key) {
    this.key = key.trim();
    localStorage.setItem(keyStorage, this.key);
  }

  headers(extra = {}) {
    return this.key ? { ...extra, 'X-Api-Key': this.key } : { ...extra };
  }

  async request(path, init = {}) {
    const response = await fetch(path, { ...init, headers: this.headers(init.headers) });
    if (!response.ok) {
      let problem = null;
      try { problem = await response.json(); } catch { /* not JSON */ }
      throw new ApiError(response.status, problem);
    }
    return response;
  }

  async json(path, init = {}) {
    return (await this.request(path, init)).json();
  }

  async text(path) {
    return (await this.request(path)).text();
  }

  post(path, body) {
    return this.json(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }

  del(path) {
    return this.json(path, { method: 'DELETE' });
  }

  /** A blob: URL of a file the server serves (outputs, previews), fetched with the key. */
  async blobUrl(path) {
    const blob = await (await this.request(path)).blob();
    return URL.createObjectURL(blob);
  }

  /**
   * Follows a run's events: calls onEvent({id, kind, data}) for each, from after `after`. When the connection drops
   * it reconnects with Last-Event-ID, so nothing is missed; resolves after the run's last event. `signal` stops it.
   */
  async follow(runId, onEvent, signal, after = 0) {
    let last = after;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const headers = this.headers({ Accept: 'text/event-stream' });
        if (last > 0) headers['Last-Event-ID'] = String(last);
        const response = await fetch(`/v1/runs/${runId}/events`, { headers, signal });
        if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
        const ended = await readStream(response.body, event => {
          last = event.id;
          attempt = 0;
          onEvent(event);
        });
        if (ended) return;
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ApiError && error.status < 500) throw error;
      }
      await new Promise(resolve => setTimeout(resolve, Math.min(2000, 250 * (attempt + 1))));
    }
  }
}

const terminal = new Set(['finished', 'failed', 'cancelled']);

// Parses text/event-stream: blocks separated by a blank line, fields "id:", "event:", "data:"; comments start with ":".
async function readStream(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let ended = false;
  while (true) {
    const { value, done } = await reader.read();
    if (done) return ended;
    buffer += value.replaceAll('\r\n', '\n');
    let split;
    while ((split = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, split);
      buffer = buffer.slice(split + 2);
      const event = { id: 0, kind: 'message', data: '' };
      let hasId = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') { event.id = Number(text); hasId = true; }
        else if (field === 'event') event.kind = text;
        else if (field === 'data') event.data += (event.data ? '\n' : '') + text;
      }
      if (!hasId) continue;
      event.data = JSON.parse(event.data);
      onEvent(event);
      if (terminal.has(event.kind)) ended = true;
    }
  }
}
