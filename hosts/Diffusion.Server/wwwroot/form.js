// The params form: one fieldset per node of the pipeline, one field per param of its type, built from GET /v1/nodes
// (kind, default, minimum, maximum, choices, description). It reads back the values the user changed, and places
// validation issues (problem+json pointers) next to the field they name.

/** Builds the form for `doc` (a pipeline document) into `form`; returns a handle to read values and show issues. */
export function buildForm(form, doc, nodeTypes) {
  form.replaceChildren();
  const fields = new Map(); // "node.param" -> field
  const fieldsets = new Map(); // node id -> fieldset
  for (const [nodeId, node] of Object.entries(doc.nodes ?? {})) {
    const type = nodeTypes.get(node?.type);
    const set = element('fieldset', { 'data-node': nodeId });
    const legend = element('legend', {}, nodeId + ' ');
    legend.append(element('span', { class: 'muted' }, type ? type.name : `${node?.type} (unknown type)`));
    set.append(legend);
    fieldsets.set(nodeId, set);
    for (const param of type?.params ?? []) {
      const given = node.params && Object.hasOwn(node.params, param.name);
      const field = makeField(nodeId, param, given ? node.params[param.name] : param.default);
      fields.set(`${nodeId}.${param.name}`, field);
      set.append(field.row);
    }
    if (!type?.params?.length) set.append(element('div', { class: 'muted' }, type ? 'no params' : 'this server has no such node type'));
    form.append(set);
  }

  return {
    /** Params the user changed: [{node, param, value, key}]. Throws on a field whose text is not valid. */
    changes() {
      const changed = [];
      for (const [key, field] of fields) {
        const value = field.read();
        if (JSON.stringify(value) !== JSON.stringify(field.initial)) {
          changed.push({ node: field.node, param: field.param.name, value, key });
        }
      }
      return changed;
    },

    clearIssues() {
      form.querySelectorAll('.issue').forEach(e => e.remove());
      form.querySelectorAll('.invalid').forEach(e => e.classList.remove('invalid'));
    },

    /** Shows an issue at the field (or node) its pointer names; returns false when it names neither. */
    showIssue(issue, setKeys) {
      const target = locate(issue.pointer ?? '', setKeys);
      if (!target) return false;
      const text = `${issue.code}: ${issue.message}`;
      const field = target.param ? fields.get(`${target.node}.${target.param}`) : null;
      if (field) {
        field.row.classList.add('invalid');
        field.row.append(element('div', { class: 'issue', role: 'alert', 'data-pointer': issue.pointer }, text));
        return true;
      }
      const set = fieldsets.get(target.node);
      if (!set) return false;
      set.classList.add('invalid');
      set.append(element('div', { class: 'issue', role: 'alert', 'data-pointer': issue.pointer }, text));
      return true;
    },
  };
}

// "/pipeline/nodes/sample/params/steps" or "/nodes/sample/params/steps" -> {node, param}; "/set/2" -> the field of the
// third override sent.
function locate(pointer, setKeys) {
  const parts = pointer.split('/').slice(1).map(p => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (parts[0] === 'pipeline') parts.shift();
  if (parts[0] === 'set' && setKeys?.[Number(parts[1])]) {
    const key = setKeys[Number(parts[1])];
    const dot = key.indexOf('.');
    return { node: key.slice(0, dot), param: key.slice(dot + 1) };
  }
  if (parts[0] !== 'nodes' || parts.length < 2) return null;
  return { node: parts[1], param: parts[2] === 'params' ? parts[3] : null };
}

function makeField(nodeId, param, initial) {
  const id = `param-${nodeId}-${param.name}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const row = element('div', { class: 'field', 'data-param': `${nodeId}.${param.name}` });
  row.append(element('label', { for: id, title: param.description }, param.name + (param.required ? ' *' : '')));
  let input;
  let read;
  switch (param.kind) {
    case 'Integer':
    case 'Number': {
      input = element('input', { id, type: 'number', step: param.kind === 'Integer' ? '1' : 'any' });
      if (param.minimum != null) input.min = String(param.minimum);
      if (param.maximum != null) input.max = String(param.maximum);
      input.value = initial == null ? '' : String(initial);
      read = () => {
        if (input.value.trim() === '') return initial ?? null;
        const number = Number(input.value);
        if (!Number.isFinite(number)) throw new FieldError(row, `${nodeId}.${param.name} is not a number`);
        return number;
      };
      break;
    }
    case 'Boolean':
      input = element('input', { id, type: 'checkbox' });
      input.checked = initial === true;
      read = () => input.checked;
      break;
    case 'String':
      if (param.choices?.length) {
        input = element('select', { id });
        for (const choice of param.choices) input.append(element('option', { value: choice }, choice === '' ? '(none)' : choice));
        input.value = initial ?? '';
      } else {
        input = element('input', { id, type: 'text' });
        input.value = initial ?? '';
      }
      read = () => (input.value === '' && initial == null ? null : input.value);
      break;
    default: // Array, Object: JSON text
      input = element('textarea', { id, rows: '2', spellcheck: 'false' });
      input.value = initial == null ? '' : JSON.stringify(initial);
      read = () => {
        if (input.value.trim() === '') return initial ?? null;
        try { return JSON.parse(input.value); } catch { throw new FieldError(row, `${nodeId}.${param.name} is not valid JSON`); }
      };
  }
  input.name = `${nodeId}.${param.name}`;
  input.addEventListener('input', () => {
    let changed = true;
    try { changed = JSON.stringify(read()) !== JSON.stringify(initial); } catch { /* shown on run */ }
    row.classList.toggle('changed', changed);
  });
  row.append(input);
  const hints = [param.description];
  if (param.minimum != null || param.maximum != null) hints.push(`range ${param.minimum ?? '−∞'} … ${param.maximum ?? '∞'}`);
  if (param.path) hints.push(`path (${param.path})`);
  if (param.default != null) hints.push(`default ${JSON.stringify(param.default)}`);
  row.append(element('div', { class: 'hint' }, hints.filter(Boolean).join(' · ')));
  return { row, node: nodeId, param, initial: initial ?? null, read };
}

/** A field whose text cannot be read as its kind; shown at the field. */
export class FieldError extends Error {
  constructor(row, message) {
    super(message);
    this.row = row;
  }
}

export function element(tag, attributes = {}, text) {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) e.setAttribute(name, value);
  if (text !== undefined) e.textContent = text;
  return e;
}
