// Namespaces: each one the agent may see, with its configuration, size and the agent's permission; create (any
// agent: it becomes the new namespace's admin), configure, clear and delete (admins, after a confirmation).

import * as api from '../api.js';
import {badge, confirmDialog, duration, h, notice, refusal, replace} from '../dom.js';

const PERMISSIONS = ['none', 'read', 'write', 'admin'];

export function render(main, params, ctx) {
  const list = h('div', {id: 'namespace-list'}, h('p', {class: 'muted'}, 'Loading…'));
  const formArea = h('div', {id: 'namespace-form-area'});
  const filter = h('input', {id: 'namespace-filter', type: 'search', placeholder: 'name contains…',
    'aria-label': 'Filter namespaces by name', 'data-search': true});
  let rows = [];
  let strategies = ['latest-wins', 'first-wins', 'merge', 'version', 'custom'];

  const newButton = h('button', {type: 'button', id: 'new-namespace', onclick: () => showForm(null)}, 'New namespace');
  replace(main,
    h('h1', {}, 'Namespaces'),
    h('p', {class: 'sub'}, 'The namespaces ', h('strong', {}, ctx.agentId), ' may read, with its permission in each.'),
    h('div', {class: 'toolbar'}, h('label', {}, 'Filter', filter), newButton,
      h('button', {type: 'button', class: 'secondary', onclick: load}, 'Refresh')),
    formArea,
    list);

  filter.addEventListener('input', draw);

  async function load() {
    try {
      rows = (await api.get('/namespaces')).namespaces;
      draw();
    } catch (err) {
      replace(list, refusal(err, 'Could not list the namespaces'));
    }
  }

  async function loadStrategies() {
    try {
      const p = await api.get('/plugins');
      const names = p.strategies.filter(s => s.inUse && s.name).map(s => s.name);
      if (names.length) {
        strategies = names;
      }
    } catch {
      // the built-in names stay offered; the server checks the one typed
    }
  }

  function draw() {
    const needle = filter.value.trim().toLowerCase();
    const shown = rows.filter(r => r.name.toLowerCase().includes(needle));
    if (rows.length === 0) {
      replace(list, notice('No namespace that ' + ctx.agentId + ' may read. Create one: you become its admin.'));
      return;
    }
    const table = h('table', {id: 'namespaces'},
      h('caption', {}, `${shown.length} of ${rows.length} namespaces`),
      h('thead', {}, h('tr', {},
        h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col'}, 'Strategy'), h('th', {scope: 'col', class: 'num'}, 'Entries'),
        h('th', {scope: 'col'}, 'TTL'), h('th', {scope: 'col', class: 'num'}, 'Max entries'),
        h('th', {scope: 'col'}, 'Default'), h('th', {scope: 'col'}, 'You'), h('th', {scope: 'col'}, 'Actions'))),
      h('tbody', {}, shown.map(row)));
    replace(list, h('div', {class: 'table-wrap'}, table));
  }

  function row(n) {
    const c = n.config;
    const admin = n.permission === 'admin';
    const ns = api.seg(n.name);
    return h('tr', {dataset: {namespace: n.name}},
      h('td', {}, h('a', {href: `#/namespaces/${ns}`, class: 'ns-link'}, n.name)),
      h('td', {}, c.conflictStrategy),
      h('td', {class: 'num'}, n.entries.toLocaleString()),
      h('td', {}, duration(c.ttlMillis)),
      h('td', {class: 'num'}, c.maxEntries > 0 ? c.maxEntries.toLocaleString() : h('span', {class: 'muted'}, 'no limit')),
      h('td', {}, badge(c.defaultPermission)),
      h('td', {}, badge(n.permission)),
      h('td', {}, h('div', {class: 'actions'},
        h('a', {href: `#/live/${ns}`}, 'Live'),
        h('a', {href: `#/permissions/${ns}`}, 'Permissions'),
        admin ? h('button', {type: 'button', class: 'secondary', onclick: () => showForm(n)}, 'Configure') : null,
        admin ? h('button', {type: 'button', class: 'secondary', dataset: {action: 'clear'},
          onclick: () => clear(n)}, 'Clear…') : null,
        admin ? h('button', {type: 'button', class: 'danger', dataset: {action: 'delete'},
          onclick: () => remove(n)}, 'Delete…') : null)));
  }

  async function clear(n) {
    const ok = await confirmDialog({title: `Clear ${n.name}?`, confirm: 'Clear',
      message: `Remove every entry of "${n.name}" (${n.entries} now)? Its configuration and permissions stay.`,
      danger: true});
    if (!ok) {
      return;
    }
    try {
      await api.post(`/namespaces/${api.seg(n.name)}/clear`, {});
      ctx.toast(`Cleared ${n.name}`);
      load();
    } catch (err) {
      replace(formArea, refusal(err, 'Not cleared'));
    }
  }

  async function remove(n) {
    const ok = await confirmDialog({title: `Delete ${n.name}?`, confirm: 'Delete',
      message: `Delete the namespace "${n.name}" with its ${n.entries} entries and its permissions? `
          + 'This cannot be undone.', danger: true});
    if (!ok) {
      return;
    }
    try {
      await api.del(`/namespaces/${api.seg(n.name)}`);
      ctx.toast(`Deleted ${n.name}`);
      load();
    } catch (err) {
      replace(formArea, refusal(err, 'Not deleted'));
    }
  }

  function showForm(existing) {
    const c = existing ? existing.config : {defaultPermission: 'none', conflictStrategy: 'latest-wins', maxEntries: 0,
      ttlMillis: 0};
    const name = h('input', {id: 'ns-name', required: true, value: existing ? existing.name : '',
      readOnly: Boolean(existing), spellcheck: 'false', autocapitalize: 'off'});
    const strategyList = h('datalist', {id: 'strategy-names'}, strategies.map(s => h('option', {value: s})));
    const strategy = h('input', {id: 'ns-strategy', list: 'strategy-names', value: c.conflictStrategy, required: true});
    const defaultPermission = h('select', {id: 'ns-default'},
      PERMISSIONS.map(p => h('option', {value: p, selected: p === c.defaultPermission}, p)));
    const maxEntries = h('input', {id: 'ns-max', type: 'number', min: 0, step: 1, value: String(c.maxEntries)});
    const ttl = h('input', {id: 'ns-ttl', type: 'number', min: 0, step: 1, value: String(c.ttlMillis / 1000)});
    const outcome = h('div', {class: 'outcome'});
    const form = h('form', {id: 'namespace-form', class: 'panel', novalidate: true},
      h('h2', {}, existing ? `Configure ${existing.name}` : 'New namespace'),
      existing ? h('p', {class: 'muted'}, 'Its entries are kept. Per-agent permissions are kept unless changed on the '
          + 'Permissions page.') : h('p', {class: 'muted'}, 'You become its admin.'),
      h('div', {class: 'toolbar'},
        h('label', {for: 'ns-name'}, 'Name', name),
        h('label', {for: 'ns-strategy'}, 'Conflict strategy', strategy), strategyList,
        h('label', {for: 'ns-default'}, 'Default permission', defaultPermission),
        h('label', {for: 'ns-max'}, 'Max entries (0: no limit)', maxEntries),
        h('label', {for: 'ns-ttl'}, 'TTL in seconds (0: none)', ttl)),
      outcome,
      h('div', {class: 'actions'},
        h('button', {type: 'submit'}, existing ? 'Save configuration' : 'Create'),
        h('button', {type: 'button', class: 'secondary', onclick: () => replace(formArea)}, 'Cancel')));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const config = {defaultPermission: defaultPermission.value, conflictStrategy: strategy.value.trim(),
        maxEntries: Number(maxEntries.value || 0), ttlMillis: Math.round(Number(ttl.value || 0) * 1000)};
      if (existing && existing.config.permissions) {
        config.permissions = existing.config.permissions;
      }
      if (!existing && rows.some(r => r.name === name.value.trim())) {
        // the API takes a second creation by an admin for a reconfiguration: never by accident from this form
        replace(outcome, notice(`A namespace "${name.value.trim()}" exists: change it with Configure.`, 'warning'));
        return;
      }
      if (!Number.isInteger(config.maxEntries) || !Number.isFinite(config.ttlMillis)) {
        replace(outcome, notice('Max entries and TTL are whole numbers.', 'warning'));
        return;
      }
      try {
        const answer = await api.post('/namespaces', {name: name.value.trim(), config});
        ctx.toast(existing ? `Configured ${answer.name}` : `Created ${answer.name}`);
        replace(formArea);
        load();
      } catch (err) {
        replace(outcome, refusal(err, existing ? 'Not configured' : 'Not created'));
      }
    });
    replace(formArea, form);
    (existing ? strategy : name).focus();
  }

  loadStrategies();
  load();
  return null;
}
