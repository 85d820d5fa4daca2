// Permissions: a namespace's default permission and its per-agent permissions. Only a namespace's admins see and change
// the per-agent table (GET/PUT /v1/namespaces/{ns}/permissions); everyone sees the default and their own.

import * as api from '../api.js';
import {badge, h, notice, refusal, replace} from '../dom.js';

const PERMISSIONS = ['none', 'read', 'write', 'admin'];

export function render(main, {namespace}, ctx) {
  const chooser = h('select', {id: 'permissions-namespace', 'aria-label': 'Namespace'});
  const body = h('div', {id: 'permissions-body'}, h('p', {class: 'muted'}, 'Loading…'));
  replace(main,
    h('h1', {}, 'Permissions'),
    h('p', {class: 'sub'}, 'Who may do what in a namespace: none, read, write (and delete), admin (configure, clear, '
        + 'delete, change permissions).'),
    h('div', {class: 'toolbar'}, h('label', {for: 'permissions-namespace'}, 'Namespace', chooser)),
    body);
  chooser.addEventListener('change', () => ctx.navigate(`#/permissions/${api.seg(chooser.value)}`));

  let ns = namespace;

  async function start() {
    let names;
    try {
      names = (await api.get('/namespaces')).namespaces;
    } catch (err) {
      replace(body, refusal(err, 'Could not list the namespaces'));
      return;
    }
    if (!ns) {
      const mine = names.find(n => n.permission === 'admin') || names[0];
      if (!mine) {
        replace(body, notice(`${ctx.agentId} may read no namespace yet.`));
        return;
      }
      ns = mine.name;
      history.replaceState(null, '', `#/permissions/${api.seg(ns)}`);
    }
    replace(chooser, (names.some(n => n.name === ns) ? names : [{name: ns, permission: 'none'}, ...names]).map(n =>
      h('option', {value: n.name, selected: n.name === ns}, `${n.name} (${n.permission})`)));
    await show();
  }

  async function show() {
    let info;
    try {
      info = await api.get(`/namespaces/${api.seg(ns)}`);
    } catch (err) {
      replace(body, refusal(err, `Could not open ${ns}`));
      return;
    }
    const summary = h('dl', {class: 'facts'},
      h('dt', {}, 'default permission'), h('dd', {}, badge(info.config.defaultPermission),
        h('span', {class: 'muted'}, ' (for agents not in the table; change it with Configure on the Namespaces page)')),
      h('dt', {}, ctx.agentId), h('dd', {id: 'own-permission'}, badge(info.permission)));
    if (info.permission !== 'admin') {
      replace(body, h('section', {class: 'panel'}, h('h2', {}, ns), summary,
        notice(`Only the admins of ${ns} see and change its per-agent permissions.`)));
      return;
    }
    let perms;
    try {
      perms = await api.get(`/namespaces/${api.seg(ns)}/permissions`);
    } catch (err) {
      replace(body, h('section', {class: 'panel'}, h('h2', {}, ns), summary, refusal(err)));
      return;
    }
    const outcome = h('div', {id: 'permissions-outcome'});
    const rows = Object.entries(perms.permissions).sort(([a], [b]) => a.localeCompare(b));
    const selects = new Map();
    const tbody = h('tbody', {}, rows.map(([agent, p]) => {
      const select = h('select', {'aria-label': `Permission of ${agent}`, dataset: {agent}},
        PERMISSIONS.map(x => h('option', {value: x, selected: x === p}, x)));
      selects.set(agent, {select, was: p});
      return h('tr', {dataset: {agent}}, h('th', {scope: 'row', class: 'mono'}, agent), h('td', {}, select));
    }));
    const newAgent = h('input', {id: 'grant-agent', placeholder: 'agent id', spellcheck: 'false', autocapitalize: 'off',
      'aria-label': 'Agent id to add'});
    const newPermission = h('select', {id: 'grant-permission', 'aria-label': 'Permission to give'},
      PERMISSIONS.map(x => h('option', {value: x, selected: x === 'read'}, x)));
    const form = h('form', {id: 'permissions-form'},
      h('div', {class: 'table-wrap'}, h('table', {id: 'permissions-table', class: 'narrow'},
        h('caption', {}, `Per-agent permissions of ${ns}`),
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Agent'), h('th', {scope: 'col'}, 'Permission'))),
        tbody,
        h('tfoot', {}, h('tr', {}, h('td', {}, newAgent), h('td', {}, newPermission))))),
      outcome,
      h('div', {class: 'actions'}, h('button', {type: 'submit', id: 'save-permissions'}, 'Save changes'),
        h('span', {class: 'muted'}, 'Changed rows and a new agent are sent together; the others stay as they are.')));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const changes = {};
      for (const [agent, {select, was}] of selects) {
        if (select.value !== was) {
          changes[agent] = select.value;
        }
      }
      if (newAgent.value.trim()) {
        changes[newAgent.value.trim()] = newPermission.value;
      }
      if (Object.keys(changes).length === 0) {
        replace(outcome, notice('Nothing changed.'));
        return;
      }
      try {
        await api.put(`/namespaces/${api.seg(ns)}/permissions`, changes);
        ctx.toast(`Permissions of ${ns} saved`);
        await show();
        replace(document.getElementById('permissions-outcome'),
          notice('Saved: ' + Object.entries(changes).map(([a, p]) => `${a} → ${p}`).join(', '), 'success'));
      } catch (err) {
        replace(outcome, refusal(err, 'Not saved'));
      }
    });
    replace(body, h('section', {class: 'panel'}, h('h2', {}, ns), summary, form));
  }

  start();
  return null;
}
