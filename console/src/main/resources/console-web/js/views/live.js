// Live: a namespace's changes and broadcasts as they happen (GET /v1/namespaces/{ns}/changes, Server-Sent Events).
// Pausing closes the stream and remembers the last event's id; resuming asks the server for what came after it, and
// when the server no longer keeps those events it says so (event: gap), which is shown — never a silent gap.

import * as api from '../api.js';
import {clock, h, notice, preview, refusal, replace} from '../dom.js';
import {openStream} from '../sse.js';

const LAST_NAMESPACE = 'sharedmemory.console.live';
const MAX_SHOWN = 500;

export function render(main, {namespace}, ctx) {
  const state = {ns: namespace || sessionStorage.getItem(LAST_NAMESPACE), stream: null, paused: false, closed: false,
    lastEventId: null, count: 0, timer: null, pausedAt: null};
  if (state.ns && !namespace) {
    history.replaceState(null, '', `#/live/${api.seg(state.ns)}`);
  }

  const chooser = h('select', {id: 'live-namespace', 'aria-label': 'Namespace'});
  const dot = h('span', {class: 'dot', 'aria-hidden': 'true'});
  const statusText = h('span', {id: 'live-status-text'}, 'Not connected');
  const pause = h('button', {type: 'button', id: 'live-pause', class: 'secondary', 'aria-pressed': 'false'}, 'Pause');
  const clearView = h('button', {type: 'button', class: 'secondary', onclick: () => {
    replace(events); state.count = 0; counter.textContent = '';
  }}, 'Clear view');
  const counter = h('span', {class: 'muted', id: 'live-count'});
  const events = h('ol', {class: 'events', id: 'live-events', 'aria-label': 'Changes, newest first'});
  const problems = h('div', {id: 'live-problems'});
  const gaps = h('div', {id: 'live-gaps'});
  const message = h('input', {id: 'broadcast-message', placeholder: '{"note": "…"} or plain text',
    'aria-label': 'Broadcast message (JSON or text)', spellcheck: 'false'});
  const broadcastForm = h('form', {id: 'broadcast-form', class: 'toolbar', hidden: true},
    h('label', {for: 'broadcast-message'}, 'Broadcast to the namespace\'s subscribers', message),
    h('button', {type: 'submit'}, 'Send'));

  replace(main,
    h('h1', {}, 'Live changes'),
    h('p', {class: 'sub'}, 'Writes, deletions, expiries and broadcasts of the namespace, as ', h('strong', {}, ctx.agentId),
      ' may see them, newest first.'),
    h('div', {class: 'toolbar'},
      h('label', {for: 'live-namespace'}, 'Namespace', chooser),
      pause, clearView,
      h('div', {class: 'live-status', role: 'status'}, dot, statusText), counter),
    problems,
    gaps,
    broadcastForm,
    events);

  chooser.addEventListener('change', () => ctx.navigate(`#/live/${api.seg(chooser.value)}`));
  pause.addEventListener('click', () => (state.paused ? resume() : doPause()));
  broadcastForm.addEventListener('submit', async e => {
    e.preventDefault();
    let value = message.value;
    try {
      value = JSON.parse(message.value);
    } catch {
      // plain text is sent as a JSON string
    }
    try {
      await api.post(`/namespaces/${api.seg(state.ns)}/broadcasts`, {message: value});
      message.value = '';
      ctx.toast('Broadcast sent');
    } catch (err) {
      replace(problems, refusal(err, 'Broadcast not sent'));
    }
  });

  function setStatus(kind, text) {
    dot.className = 'dot ' + kind;
    statusText.textContent = text;
  }

  function add(li) {
    li.classList.add('fresh');
    events.prepend(li);
    while (events.children.length > MAX_SHOWN) {
      events.lastElementChild.remove();
    }
  }

  function change(e) {
    state.count++;
    counter.textContent = `${state.count} event${state.count === 1 ? '' : 's'}`;
    add(h('li', {dataset: {action: e.action, key: e.key ?? ''}},
      h('span', {class: 'mono muted'}, clock(e.timestamp)),
      h('span', {class: 'action ' + e.action}, e.action),
      h('span', {class: 'mono key'}, e.key ?? ''),
      h('span', {class: 'muted'}, e.version > 0 ? 'v' + e.version : ''),
      h('span', {class: 'agent'}, e.agentId ?? ''),
      h('span', {class: 'value', title: preview(e.value, 2000)}, e.value === null ? '' : preview(e.value, 400))));
  }

  function onEvent(ev) {
    state.lastEventId = ev.id;
    let data = null;
    try {
      data = JSON.parse(ev.data);
    } catch {
      data = null;
    }
    if (ev.event === 'ready') {
      setStatus('on', `Live: following ${state.ns}` + (data && data.resumed ? ' (resumed after a pause)' : ''));
    } else if (ev.event === 'gap') {
      const missed = data && data.missed !== null && data.missed !== undefined
        ? `${data.missed} event${data.missed === 1 ? '' : 's'} missed` : 'an unknown number of events missed';
      const text = `Gap at ${new Date().toLocaleTimeString()}: ${missed}.` + (data && data.reason
        ? ` The server says: ${data.reason}.` : '');
      add(h('li', {class: 'gap-notice'}, '⚠ ' + text));
      // the row scrolls away with the events; the banner above them stays until dismissed
      const dismiss = h('button', {type: 'button', class: 'secondary', onclick: () => banner.remove()}, 'Dismiss');
      const banner = h('div', {class: 'notice warning gap-banner', id: 'gap-banner', role: 'alert'},
        h('span', {}, h('strong', {}, '⚠ Events were missed. '), text), dismiss);
      replace(gaps, banner);
    } else if (ev.event === 'end') {
      add(h('li', {class: 'end-notice'}, 'The stream ended: ', data ? data.reason : ''));
    } else if (data) {
      change(data);
    }
  }

  function connect() {
    if (state.closed || state.paused) {
      return;
    }
    setStatus('', state.lastEventId ? 'Reconnecting…' : 'Connecting…');
    const stream = openStream(`/namespaces/${api.seg(state.ns)}/changes`, {
      lastEventId: state.lastEventId,
      onEvent,
      onEnd: () => retry(stream, 'The server closed the stream'),
      onError: err => {
        if (err instanceof api.ApiError && err.status >= 400 && err.status < 500) {
          setStatus('off', 'Stopped');
          replace(problems, refusal(err, 'The stream was refused'));
          return;
        }
        retry(stream, 'Disconnected (' + err.message + ')');
      },
    });
    state.stream = stream;
  }

  function retry(stream, why) {
    if (state.closed || state.paused || state.stream !== stream) {
      return;
    }
    setStatus('off', `${why}; reconnecting in ${Math.round(stream.retry / 1000)} s`);
    clearTimeout(state.timer);
    state.timer = setTimeout(connect, stream.retry);
  }

  function doPause() {
    state.paused = true;
    state.pausedAt = new Date();
    clearTimeout(state.timer);
    if (state.stream) {
      state.stream.close();
      state.stream = null;
    }
    pause.textContent = 'Resume';
    pause.setAttribute('aria-pressed', 'true');
    setStatus('paused', `Paused at ${state.pausedAt.toLocaleTimeString()}: resuming fetches what happened meanwhile `
        + '(the server keeps the newest events for a few minutes; beyond that, a gap is shown)');
  }

  function resume() {
    state.paused = false;
    pause.textContent = 'Pause';
    pause.setAttribute('aria-pressed', 'false');
    connect();
  }

  (async () => {
    let names = [];
    try {
      names = (await api.get('/namespaces')).namespaces;
    } catch (err) {
      replace(problems, refusal(err, 'Could not list the namespaces'));
      return;
    }
    if (state.closed) {
      return;
    }
    if (!state.ns && names.length) {
      state.ns = names[0].name;
      history.replaceState(null, '', `#/live/${api.seg(state.ns)}`);
    }
    if (!state.ns) {
      replace(problems, notice(`${ctx.agentId} may read no namespace yet.`));
      return;
    }
    const known = names.find(n => n.name === state.ns);
    replace(chooser, (known ? names : [{name: state.ns}, ...names]).map(n =>
      h('option', {value: n.name, selected: n.name === state.ns}, n.name)));
    sessionStorage.setItem(LAST_NAMESPACE, state.ns);
    broadcastForm.hidden = !(known && (known.permission === 'write' || known.permission === 'admin'));
    connect();
  })();

  return () => {
    state.closed = true;
    clearTimeout(state.timer);
    if (state.stream) {
      state.stream.close();
    }
  };
}
