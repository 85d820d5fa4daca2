// Small DOM helpers. Every text that comes from the server goes through textContent (h's string children), never
// through innerHTML: values, keys and agent ids are other agents' data.

/**
 * h('button', {type: 'button', class: 'secondary', onclick: fn}, 'Save') -> an element.
 * Attributes: class, dataset (object), on* (listeners), boolean true (present), false/null/undefined (absent).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'value' && 'value' in el) {
      el.value = value;
    } else if (name === 'checked' || name === 'selected' || name === 'disabled' || name === 'readOnly') {
      el[name] = Boolean(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) {
      continue;
    }
    if (Array.isArray(c)) {
      append(el, c);
    } else if (c instanceof Node) {
      el.appendChild(c);
    } else {
      el.appendChild(document.createTextNode(String(c)));
    }
  }
}

/** Replaces the children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const STATUS_TEXT = {
  0: 'No answer', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable', 500: 'Server Error', 503: 'Service Unavailable',
};

/** The refusal of an API call as the API said it: its status, its code or write status, its message. */
export function refusal(err, what) {
  const status = err.status ?? 0;
  const code = err.code ? h('code', {}, err.code) : null;
  return h('div', {class: 'refusal', role: 'alert', dataset: {status: String(status)}},
    what ? h('span', {class: 'muted'}, what + ': ') : null,
    h('span', {class: 'status-line'}, status ? `${status} ${STATUS_TEXT[status] || ''}`.trim() : STATUS_TEXT[0]),
    ' ', code, code ? ' · ' : '',
    h('span', {class: 'message'}, err.message || '(the server gave no message)'));
}

export function notice(text, kind) {
  return h('div', {class: 'notice' + (kind ? ' ' + kind : ''), role: kind === 'warning' ? 'alert' : null}, text);
}

export function badge(permission) {
  return h('span', {class: 'badge ' + permission}, permission);
}

/** A transient message in the corner (and read out by screen readers). */
export function toast(text) {
  const region = document.getElementById('status');
  const t = h('div', {class: 'toast'}, text);
  region.appendChild(t);
  setTimeout(() => t.remove(), 4000);
}

/** Local date and time to the second; the ISO instant in the title. */
export function time(iso) {
  if (!iso) {
    return h('span', {class: 'muted'}, '—');
  }
  const d = new Date(iso);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} `
      + `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return h('time', {datetime: iso, title: iso}, text);
}

export function clock(iso) {
  const d = new Date(iso);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A value on one line, cut at max characters. */
export function preview(value, max = 160) {
  const s = value === undefined ? '' : JSON.stringify(value);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function pretty(value) {
  return JSON.stringify(value, null, 2);
}

export function duration(ms) {
  if (!ms) {
    return 'none';
  }
  const units = [['d', 86400000], ['h', 3600000], ['min', 60000], ['s', 1000]];
  for (const [u, size] of units) {
    if (ms % size === 0) {
      return `${ms / size} ${u}`;
    }
  }
  return `${ms} ms`;
}

/**
 * A modal confirmation; resolves true when confirmed. Escape, Cancel and the backdrop cancel; Cancel has the focus
 * first, so Enter alone never confirms a destructive action.
 */
export function confirmDialog({title, message, confirm, danger}) {
  return new Promise(resolve => {
    const cancel = h('button', {type: 'button', class: 'secondary', value: 'cancel'}, 'Cancel');
    const ok = h('button', {type: 'button', class: danger ? 'danger' : null, value: 'ok'}, confirm);
    const dialog = h('dialog', {'aria-labelledby': 'dialog-title', class: 'confirm'},
      h('h2', {id: 'dialog-title'}, title),
      h('p', {}, message),
      h('div', {class: 'actions'}, cancel, ok));
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    ok.addEventListener('click', () => { answer = true; dialog.close(); });
    dialog.addEventListener('close', () => { dialog.remove(); resolve(answer); });
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** Reads JSON typed by a person: {ok: true, value} or {ok: false, message}. */
export function parseJson(text) {
  try {
    return {ok: true, value: JSON.parse(text)};
  } catch (e) {
    return {ok: false, message: 'Not valid JSON: ' + e.message};
  }
}
