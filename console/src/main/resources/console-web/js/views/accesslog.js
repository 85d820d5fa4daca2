// Access log: newest first, filtered by agent, namespace, action and failures only (GET /v1/access-log, which
// shows the entries of the namespaces the agent may read, and its own that name none). Refusals stand out.

import * as api from '../api.js';
import {h, notice, refusal, replace, time} from '../dom.js';

const ACTIONS = ['READ', 'WRITE', 'DELETE', 'SUBSCRIBE', 'BROADCAST', 'CLEAR', 'DELETE_NAMESPACE', 'UPDATE_PERMISSIONS',
  'CREATE_NAMESPACE', 'EXPIRE', 'AUTHENTICATE'];

export function render(main, {query}, ctx) {
  const agent = h('input', {id: 'log-agent', value: query.get('agent') || '', placeholder: 'any agent',
    spellcheck: 'false', autocapitalize: 'off', 'data-search': true});
  const namespace = h('input', {id: 'log-namespace', value: query.get('namespace') || '', placeholder: 'any namespace',
    list: 'log-namespaces', spellcheck: 'false', autocapitalize: 'off'});
  const namespaces = h('datalist', {id: 'log-namespaces'});
  const action = h('select', {id: 'log-action'}, h('option', {value: ''}, 'any action'),
    ACTIONS.map(a => h('option', {value: a, selected: a === query.get('action')}, a.toLowerCase().replaceAll('_', ' '))));
  const failures = h('input', {id: 'log-failures', type: 'checkbox', checked: query.get('failures') === '1'});
  const limit = h('select', {id: 'log-limit'}, [50, 100, 500, 1000].map(n =>
    h('option', {value: String(n), selected: String(n) === (query.get('limit') || '100')}, String(n))));
  const auto = h('input', {id: 'log-auto', type: 'checkbox'});
  const form = h('form', {id: 'log-filter', class: 'toolbar', role: 'search'},
    h('label', {for: 'log-agent'}, 'Agent', agent),
    h('label', {for: 'log-namespace'}, 'Namespace', namespace), namespaces,
    h('label', {for: 'log-action'}, 'Action', action),
    h('label', {for: 'log-limit'}, 'Newest', limit),
    h('label', {class: 'check'}, failures, 'Failures only'),
    h('button', {type: 'submit'}, 'Apply'),
    h('label', {class: 'check'}, auto, 'Refresh every 3 s'));
  const result = h('div', {id: 'log-result'}, h('p', {class: 'muted'}, 'Loading…'));
  replace(main,
    h('h1', {}, 'Access log'),
    h('p', {class: 'sub'}, 'Every operation, allowed or refused, in the namespaces ', h('strong', {}, ctx.agentId),
      ' may read — newest first.'),
    form,
    result);

  let timer = null;
  let generation = 0;

  function filters() {
    const q = new URLSearchParams();
    if (agent.value.trim()) {
      q.set('agent', agent.value.trim());
    }
    if (namespace.value.trim()) {
      q.set('namespace', namespace.value.trim());
    }
    if (action.value) {
      q.set('action', action.value);
    }
    if (failures.checked) {
      q.set('failures', '1');
    }
    if (limit.value !== '100') {
      q.set('limit', limit.value);
    }
    return q;
  }

  async function load() {
    const mine = ++generation;
    const f = filters();
    history.replaceState(null, '', '#/log' + (f.toString() ? '?' + f : ''));
    const q = new URLSearchParams({limit: limit.value});
    if (f.get('agent')) {
      q.set('agentId', f.get('agent'));
    }
    if (f.get('namespace')) {
      q.set('namespace', f.get('namespace'));
    }
    if (f.get('action')) {
      q.set('action', f.get('action'));
    }
    if (failures.checked) {
      q.set('success', 'false');
    }
    let entries;
    try {
      entries = (await api.get('/access-log?' + q)).entries;
    } catch (err) {
      if (mine === generation) {
        replace(result, refusal(err, 'Could not read the access log'));
      }
      return;
    }
    if (mine !== generation) {
      return; // a newer filter answered first
    }
    entries.reverse();
    if (entries.length === 0) {
      replace(result, notice('No entry matches.'));
      return;
    }
    const refused = entries.filter(e => !e.success).length;
    replace(result, h('div', {class: 'table-wrap'}, h('table', {id: 'log-table'},
      h('caption', {}, `${entries.length} entries, newest first; ${refused} refused or failed`),
      h('thead', {}, h('tr', {},
        h('th', {scope: 'col'}, 'Time'), h('th', {scope: 'col'}, 'Agent'), h('th', {scope: 'col'}, 'Action'),
        h('th', {scope: 'col'}, 'Namespace'), h('th', {scope: 'col'}, 'Key'), h('th', {scope: 'col'}, 'Outcome'),
        h('th', {scope: 'col'}, 'Why'))),
      h('tbody', {}, entries.map(e => h('tr', {class: e.success ? null : 'refused',
        dataset: {agent: e.agentId ?? '', action: e.action, success: String(e.success)}},
        h('td', {}, time(e.timestamp)),
        h('td', {class: 'mono'}, e.agentId ?? ''),
        h('td', {}, e.action),
        h('td', {class: 'mono'}, e.namespace ?? ''),
        h('td', {class: 'mono'}, e.key ?? ''),
        h('td', {}, e.success ? h('span', {class: 'badge ok'}, 'ok') : h('span', {class: 'badge refused'}, 'refused')),
        h('td', {class: e.success ? null : 'error'}, e.error ?? '')))))));
  }

  form.addEventListener('submit', e => {
    e.preventDefault();
    load();
  });
  for (const control of [action, failures, limit]) {
    control.addEventListener('change', load);
  }
  auto.addEventListener('change', () => {
    clearInterval(timer);
    timer = auto.checked ? setInterval(load, 3000) : null;
  });

  api.get('/namespaces').then(r => replace(namespaces, r.namespaces.map(n => h('option', {value: n.name}))))
    .catch(() => {});
  load();
  return () => clearInterval(timer);
}
