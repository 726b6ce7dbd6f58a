// The page: pick or paste a pipeline, edit its params, run it, follow it (progress, previews, outputs), browse history.
import { Api, ApiError } from './api.js';
import { buildForm, element, FieldError } from './form.js';

const api = new Api();
const $ = id => document.getElementById(id);
const imageOutput = /\.(png|jpe?g|gif|webp)$/i;

const state = {
  nodeTypes: new Map(),
  source: null, // { name } or { doc }
  doc: null,
  form: null,
  runId: null,
  follow: null, // AbortController of the event stream followed
  historyNext: null,
  blobUrls: [],
  preview: { wanted: null, loading: false },
};

// The events list keeps the latest entries only, so a long run does not grow the page without bound.
const maxEventLines = 500;

async function start() {
  $('api-key').value = api.key;
  $('api-key').addEventListener('change', () => { api.setKey($('api-key').value); load(); });
  $('pipeline-select').addEventListener('change', () => selectNamed($('pipeline-select').value));
  $('paste-toggle').addEventListener('click', () => { $('paste-box').hidden = !$('paste-box').hidden; });
  $('paste-load').addEventListener('click', usePasted);
  $('run-button').addEventListener('click', submit);
  $('cancel-button').addEventListener('click', cancel);
  $('history-refresh').addEventListener('click', () => loadHistory(false));
  $('history-more').addEventListener('click', () => loadHistory(true));
  await load();
}

async function load() {
  try {
    const health = await api.json('/v1/health');
    $('health').textContent = `${health.status} · ${health.queued} queued · ${health.running} running · ${health.workers} worker(s)`;
    $('key-box').hidden = !health.authentication && !api.key;
    const [types, names] = await Promise.all([api.json('/v1/nodes'), api.json('/v1/pipelines')]);
    state.nodeTypes = new Map(types.map(t => [t.name, t]));
    const select = $('pipeline-select');
    const chosen = select.value;
    select.replaceChildren(element('option', { value: '' }, '(choose)'), ...names.map(n => element('option', { value: n }, n)));
    select.value = names.includes(chosen) ? chosen : '';
    await loadHistory(false);
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      $('key-box').hidden = false;
      $('health').textContent = 'this server needs an API key';
    } else {
      $('health').textContent = `server unavailable: ${error.message}`;
    }
  }
}

async function selectNamed(name) {
  if (!name) return;
  try {
    const text = await api.text(`/v1/pipelines/${encodeURIComponent(name)}`);
    show({ name }, JSON.parse(text), `pipeline "${name}" from the server's folder`);
  } catch (error) {
    $('pipeline-status').textContent = `cannot load ${name}: ${error.message}`;
  }
}

function usePasted() {
  let doc;
  try {
    doc = JSON.parse($('pipeline-text').value);
  } catch (error) {
    $('pipeline-status').textContent = `the pasted text is not JSON: ${error.message}`;
    return;
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.nodes !== 'object') {
    $('pipeline-status').textContent = 'a pipeline is a JSON object with "version": 1 and "nodes"';
    return;
  }
  $('pipeline-select').value = '';
  show({ doc }, doc, 'pasted pipeline');
}

function show(source, doc, label) {
  state.source = source;
  state.doc = doc;
  state.form = buildForm($('params'), doc, state.nodeTypes);
  $('pipeline-status').textContent = `${label}: ${Object.keys(doc.nodes ?? {}).length} nodes`;
  $('issues').replaceChildren();
  $('run-button').disabled = false;
}

async function submit() {
  const form = state.form;
  form.clearIssues();
  $('issues').replaceChildren();
  let changes;
  try {
    changes = form.changes();
  } catch (error) {
    if (error instanceof FieldError) {
      error.row.classList.add('invalid');
      error.row.append(element('div', { class: 'issue', role: 'alert' }, error.message));
    }
    return;
  }

  const body = { seed: Number($('seed').value || 0), priority: Number($('priority').value || 0) };
  let setKeys = null;
  if (state.source.name) {
    body.name = state.source.name;
    body.set = changes.map(c => `${c.node}.params.${c.param}=${JSON.stringify(c.value)}`);
    setKeys = changes.map(c => c.key);
  } else {
    const doc = structuredClone(state.doc);
    for (const c of changes) {
      doc.nodes[c.node].params ??= {};
      doc.nodes[c.node].params[c.param] = c.value;
    }
    body.pipeline = doc;
  }

  $('run-button').disabled = true;
  try {
    const run = await api.post('/v1/runs', body);
    await showRun(run);
    loadHistory(false);
  } catch (error) {
    showProblem(error, setKeys);
  } finally {
    $('run-button').disabled = false;
  }
}

function showProblem(error, setKeys) {
  const list = $('issues');
  const problem = error instanceof ApiError ? error.problem : {};
  list.append(element('li', {}, `${problem.title ?? 'The request failed'}: ${problem.detail ?? error.message}`));
  for (const issue of problem.issues ?? []) {
    state.form?.showIssue(issue, setKeys);
    list.append(element('li', { 'data-pointer': issue.pointer }, `${issue.pointer || '(request)'} ${issue.code}: ${issue.message}`));
  }
}

// Shows a run and, unless it has ended, follows its events.
async function showRun(run) {
  state.follow?.abort();
  state.blobUrls.forEach(url => URL.revokeObjectURL(url));
  state.blobUrls = [];
  state.runId = run.id;
  $('run-id').textContent = run.id;
  $('events').replaceChildren();
  $('outputs').replaceChildren();
  $('preview-box').hidden = true;
  $('run-error').hidden = true;
  $('progress').value = 0;
  $('step').textContent = '';
  setState(run.state, run);
  if (isEnded(run.state)) {
    await showEnded(run.id);
    return;
  }

  const follow = new AbortController();
  state.follow = follow;
  const id = run.id;
  api.follow(id, event => onEvent(id, event), follow.signal)
    .catch(error => { $('run-error').hidden = false; $('run-error').textContent = `event stream: ${error.message}`; });
}

function onEvent(runId, event) {
  if (runId !== state.runId) return;
  const data = event.data;
  const line = element('li', {}, `${event.id} ${event.kind}${data.node ? ' ' + data.node : ''}${data.status ? ' ' + data.status : ''}${data.step != null ? ` ${data.step}/${data.total}` : ''}${data.error ? ': ' + data.error : ''}`);
  const list = $('events');
  list.append(line);
  while (list.childElementCount > maxEventLines) list.firstElementChild.remove();
  switch (event.kind) {
    case 'queued': setState('queued'); break;
    case 'started': setState('running'); break;
    case 'requeued': setState('queued'); break;
    case 'node':
      $('step').textContent = `${data.node} (${data.nodeType}) ${data.status}`;
      break;
    case 'step':
      if (data.total > 0) $('progress').value = data.step / data.total;
      $('step').textContent = `${data.node} step ${data.step} of ${data.total}${data.message ? ' · ' + data.message : ''}`;
      break;
    case 'preview':
      showPreview(runId, data);
      break;
    case 'finished':
    case 'failed':
    case 'cancelled':
      setState(data.state);
      if (data.state === 'succeeded') $('progress').value = 1;
      showEnded(runId);
      break;
  }
}

// Previews arrive faster than they may load (a replayed stream has many): one download at a time, always of the
// newest one announced; the server keeps only the latest image anyway.
async function showPreview(runId, data) {
  state.preview.wanted = { runId, data };
  if (state.preview.loading) return;
  state.preview.loading = true;
  try {
    while (state.preview.wanted) {
      const { runId: id, data: shown } = state.preview.wanted;
      state.preview.wanted = null;
      try {
        const url = await api.blobUrl(shown.url);
        if (id !== state.runId) { URL.revokeObjectURL(url); continue; }
        const img = $('preview');
        const old = img.src;
        img.src = url;
        if (old.startsWith('blob:')) URL.revokeObjectURL(old);
        $('preview-caption').textContent = `preview: ${shown.node} step ${shown.step} of ${shown.total}`;
        $('preview-box').hidden = false;
      } catch {
        // A preview is replaced by the next one; one that is gone is not worth an error.
      }
    }
  } finally {
    state.preview.loading = false;
  }
}

async function showEnded(runId) {
  const run = await api.json(`/v1/runs/${runId}`);
  if (runId !== state.runId) return;
  setState(run.state, run);
  if (run.error) {
    $('run-error').hidden = false;
    $('run-error').textContent = run.error;
  }
  const box = $('outputs');
  box.replaceChildren();
  for (const output of run.outputs) {
    const item = element('div', { class: 'output', 'data-output': output.name });
    const link = element('a', { href: '#', download: output.name.split('/').pop() }, `${output.name} (${output.bytes} bytes)`);
    link.addEventListener('click', async e => {
      if (link.dataset.ready) return;
      e.preventDefault();
      link.href = await blob(output.url);
      link.dataset.ready = 'true';
      link.click();
    });
    item.append(link);
    if (imageOutput.test(output.name)) {
      const img = element('img', { class: 'output-image', alt: output.name });
      item.prepend(img, element('br'));
      blob(output.url).then(url => { img.src = url; link.href = url; link.dataset.ready = 'true'; });
    }
    box.append(item);
  }
}

async function blob(path) {
  const url = await api.blobUrl(path);
  state.blobUrls.push(url);
  return url;
}

function setState(runState, run) {
  $('run').dataset.state = runState;
  const label = $('run-state');
  label.textContent = runState;
  label.className = `state-${runState}`;
  $('cancel-button').disabled = isEnded(runState);
  if (run?.progress?.nodesTotal) {
    $('step').textContent ||= `${run.progress.nodesDone} of ${run.progress.nodesTotal} nodes`;
  }
}

async function cancel() {
  if (!state.runId) return;
  try {
    await api.del(`/v1/runs/${state.runId}`);
  } catch (error) {
    $('run-error').hidden = false;
    $('run-error').textContent = error.message;
  }
}

async function loadHistory(more) {
  const query = more && state.historyNext ? `?limit=20&before=${state.historyNext}` : '?limit=20';
  let page;
  try {
    page = await api.json(`/v1/runs${query}`);
  } catch {
    return;
  }
  const body = $('history').tBodies[0];
  if (!more) body.replaceChildren();
  for (const run of page.runs) {
    const row = element('tr', { 'data-run': run.id });
    row.append(
      element('td', {}, new Date(run.createdAt).toLocaleString()),
      element('td', {}, run.pipeline ?? ''),
      element('td', { class: `state-${run.state}` }, run.state),
      element('td', {}, run.outputs.map(o => o.name).join(', ')));
    row.addEventListener('click', () => showRun(run));
    body.append(row);
  }
  state.historyNext = page.next ?? null;
  $('history-more').hidden = state.historyNext == null;
}

const isEnded = s => s === 'succeeded' || s === 'failed' || s === 'cancelled';

start();
