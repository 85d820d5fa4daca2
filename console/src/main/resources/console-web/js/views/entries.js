// A namespace: its entries page by page (a key prefix filters them), and an editor for one entry — its JSON, version,
// owner, times and expiry — that writes with expectedVersion and shows both values when the version has moved on.

import * as api from '../api.js';
import {badge, confirmDialog, duration, h, notice, parseJson, preview, pretty, refusal, replace, time} from '../dom.js';

export function render(main, {namespace, key, query}, ctx) {
  const ns = namespace;
  const base = `/namespaces/${api.seg(ns)}`;
  const state = {permission: 'none', prefix: query.get('prefix') || '', limit: 50, cursors: [null], page: 0,
    selected: key, next: null};
  const canWrite = () => state.permission === 'write' || state.permission === 'admin';

  const header = h('div', {id: 'namespace-header'});
  const prefix = h('input', {id: 'prefix', type: 'search', value: state.prefix, placeholder: 'key prefix',
    'aria-label': 'Key prefix', 'data-search': true, spellcheck: 'false', autocapitalize: 'off'});
  const limit = h('select', {id: 'page-size', 'aria-label': 'Entries per page'},
    [25, 50, 100, 500].map(n => h('option', {value: String(n), selected: n === state.limit}, `${n} per page`)));
  const newEntry = h('button', {type: 'button', id: 'new-entry', hidden: true, onclick: () => openNew()}, 'New entry');
  const filterForm = h('form', {class: 'toolbar', id: 'prefix-form', role: 'search'},
    h('label', {for: 'prefix'}, 'Keys starting with', prefix),
    h('label', {for: 'page-size'}, 'Page size', limit),
    h('button', {type: 'submit', class: 'secondary'}, 'Filter'),
    newEntry);
  const list = h('div', {id: 'entry-list'}, h('p', {class: 'muted'}, 'Loading…'));
  const pager = h('div', {class: 'pager'});
  const editor = h('section', {class: 'editor panel', id: 'editor', 'aria-label': 'Entry'},
    h('p', {class: 'muted'}, 'Choose a key to see its entry.'));

  replace(main,
    header,
    h('div', {class: 'row'},
      h('section', {class: 'entries', 'aria-label': 'Entries'}, filterForm, list, pager),
      editor));

  filterForm.addEventListener('submit', e => {
    e.preventDefault();
    state.prefix = prefix.value;
    state.limit = Number(limit.value);
    state.cursors = [null];
    state.page = 0;
    remember();
    loadPage();
  });
  limit.addEventListener('change', () => filterForm.requestSubmit());

  function remember() {
    const q = state.prefix ? '?prefix=' + encodeURIComponent(state.prefix) : '';
    const k = state.selected ? '/entries/' + state.selected.split('/').map(encodeURIComponent).join('/') : '';
    history.replaceState(null, '', `#/namespaces/${api.seg(ns)}${k}${q}`);
  }

  async function loadNamespace() {
    try {
      const n = await api.get(base);
      state.permission = n.permission;
      const c = n.config;
      replace(header,
        h('h1', {}, ns, ' ', badge(n.permission)),
        h('p', {class: 'sub'},
          `strategy ${c.conflictStrategy} · TTL ${duration(c.ttlMillis)} · `
          + `${c.maxEntries > 0 ? 'at most ' + c.maxEntries + ' entries' : 'no entry limit'} · default permission `
          + `${c.defaultPermission} · `,
          h('a', {href: `#/live/${api.seg(ns)}`}, 'live changes'), ' · ',
          h('a', {href: `#/permissions/${api.seg(ns)}`}, 'permissions'), ' · ',
          h('a', {href: '#/namespaces'}, 'all namespaces')));
      newEntry.hidden = !canWrite();
      return true;
    } catch (err) {
      replace(header, h('h1', {}, ns), refusal(err, 'Could not open the namespace'));
      replace(list);
      replace(editor, h('p', {class: 'muted'}, '—'));
      return false;
    }
  }

  async function loadPage() {
    const params = new URLSearchParams({limit: String(state.limit)});
    if (state.prefix) {
      params.set('prefix', state.prefix);
    }
    const cursor = state.cursors[state.page];
    if (cursor) {
      params.set('cursor', cursor);
    }
    try {
      const page = await api.get(`${base}/entries?${params}`);
      state.next = page.nextCursor;
      drawList(page.entries);
    } catch (err) {
      replace(list, refusal(err, 'Could not list the entries'));
      replace(pager);
    }
  }

  function drawList(entries) {
    if (entries.length === 0) {
      replace(list, notice(state.prefix ? `No key starts with "${state.prefix}".` : 'No entries yet.'));
    } else {
      replace(list, h('div', {class: 'table-wrap'}, h('table', {id: 'entries'},
        h('caption', {}, `Page ${state.page + 1}${state.prefix ? `, keys starting with "${state.prefix}"` : ''}`),
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Key'), h('th', {scope: 'col'}, 'Value'))),
        h('tbody', {}, entries.map(e => h('tr', {dataset: {key: e.key}, class: e.key === state.selected ? 'selected' : null},
          h('td', {}, h('a', {href: `#/namespaces/${api.seg(ns)}/entries/${api.keyPath(e.key)}`, class: 'key-link',
            onclick: ev => { ev.preventDefault(); select(e.key); }}, e.key)),
          h('td', {class: 'value', title: preview(e.value, 2000)}, preview(e.value))))))));
    }
    replace(pager,
      h('button', {type: 'button', class: 'secondary', id: 'page-prev', disabled: state.page === 0,
        onclick: () => { state.page--; loadPage(); }}, '← Previous'),
      h('span', {class: 'muted'}, `page ${state.page + 1}`),
      h('button', {type: 'button', class: 'secondary', id: 'page-next', disabled: !state.next,
        onclick: () => { state.cursors[state.page + 1] = state.next; state.page++; loadPage(); }}, 'Next →'));
  }

  function select(k) {
    state.selected = k;
    remember();
    for (const tr of list.querySelectorAll('tr[data-key]')) {
      tr.classList.toggle('selected', tr.dataset.key === k);
    }
    openEntry(k);
  }

  const entryPath = k => `${base}/entries/${api.keyPath(k)}`;

  async function openEntry(k, message) {
    replace(editor, h('p', {class: 'muted'}, 'Loading ' + k + '…'));
    let entry;
    try {
      entry = await api.get(entryPath(k));
    } catch (err) {
      replace(editor, h('h2', {}, k), message || null, refusal(err, 'Could not read the entry'));
      return;
    }
    drawEditor(k, entry, message);
  }

  function openNew() {
    state.selected = null;
    remember();
    drawEditor(null, null);
  }

  /** entry null: a new key. */
  function drawEditor(k, entry, message) {
    const writable = canWrite();
    const keyInput = k === null ? h('input', {id: 'entry-key', required: true, spellcheck: 'false',
      autocapitalize: 'off'}) : null;
    const value = h('textarea', {id: 'entry-value', class: 'json', spellcheck: 'false', readOnly: !writable,
      'aria-label': 'Value (JSON)'});
    value.value = entry ? pretty(entry.value) : '{\n  \n}';
    const baseVersion = entry ? entry.version : 0;
    const expect = h('input', {id: 'expect-version', type: 'checkbox', checked: true});
    const expectLabel = h('label', {class: 'check', hidden: !writable}, expect,
      entry ? `Only if still at version ${baseVersion} (expectedVersion)` : 'Only if the key is absent (expectedVersion 0)');
    const write = h('button', {type: 'submit', id: 'write-entry', hidden: !writable}, entry ? 'Write' : 'Create');
    const remove = h('button', {type: 'button', id: 'delete-entry', class: 'danger', hidden: !writable || !entry},
      'Delete…');
    const outcome = h('div', {id: 'write-outcome'}, message || null);
    const conflict = h('div', {id: 'conflict-area'});
    const form = h('form', {id: 'entry-form', novalidate: true},
      keyInput ? h('label', {for: 'entry-key'}, 'Key', keyInput) : null,
      h('label', {for: 'entry-value'}, 'Value (JSON)', value),
      expectLabel,
      h('div', {class: 'actions'}, write, remove,
        !writable ? h('span', {class: 'muted', id: 'read-only-note'},
          `Read only: ${ctx.agentId} has ${state.permission} permission here.`) : null),
      outcome);
    replace(editor,
      h('h2', {}, entry ? h('span', {class: 'mono', id: 'entry-title'}, k) : 'New entry'),
      entry ? h('dl', {class: 'facts', id: 'entry-facts'},
        h('dt', {}, 'version'), h('dd', {id: 'entry-version'}, String(entry.version)),
        h('dt', {}, 'owner'), h('dd', {id: 'entry-owner'}, entry.ownerId),
        h('dt', {}, 'written'), h('dd', {}, time(entry.timestamp)),
        h('dt', {}, 'expires'), h('dd', {}, entry.expiresAt ? time(entry.expiresAt) : h('span', {class: 'muted'}, 'never')),
        h('dt', {}, 'metadata'), h('dd', {class: 'mono'}, entry.metadata && Object.keys(entry.metadata).length
          ? JSON.stringify(entry.metadata) : h('span', {class: 'muted'}, 'none'))) : null,
      form,
      conflict);

    form.addEventListener('submit', async e => {
      e.preventDefault();
      const target = k ?? keyInput.value;
      if (!target) {
        replace(outcome, notice('Type a key.', 'warning'));
        keyInput.focus();
        return;
      }
      const parsed = parseJson(value.value);
      if (!parsed.ok) {
        replace(outcome, notice(parsed.message, 'warning'));
        value.focus();
        return;
      }
      const body = {value: parsed.value};
      if (expect.checked) {
        body.expectedVersion = baseVersion;
      }
      await send(target, body, outcome, conflict);
    });
    remove.addEventListener('click', async () => {
      const ok = await confirmDialog({title: `Delete ${k}?`, message: `Delete the entry "${k}" of ${ns}?`,
        confirm: 'Delete', danger: true});
      if (!ok) {
        return;
      }
      try {
        await api.del(entryPath(k));
        ctx.toast(`Deleted ${k}`);
        state.selected = null;
        remember();
        replace(editor, notice(`Deleted "${k}".`, 'success'));
        loadPage();
      } catch (err) {
        replace(outcome, refusal(err, 'Not deleted'));
      }
    });
    (keyInput || value).focus();
  }

  async function send(k, body, outcome, conflict) {
    replace(conflict);
    try {
      const r = await api.put(entryPath(k), body);
      state.selected = k;
      remember();
      await openEntry(k, notice(`${r.status} · version ${r.version}`, 'success'));
      loadPage();
    } catch (err) {
      if (err.status === 409 && err.body && err.body.status === 'VERSION_MISMATCH') {
        await showConflict(k, body, err, conflict);
      } else {
        replace(outcome, refusal(err, 'Not written'));
      }
    }
  }

  async function showConflict(k, mine, err, area) {
    let current = null;
    let readError = null;
    try {
      current = await api.get(entryPath(k));
    } catch (e) {
      readError = e;
    }
    const theirs = current
      ? h('div', {},
          h('h3', {}, `Current: version ${current.version}, by ${current.ownerId}, `, time(current.timestamp)),
          h('pre', {id: 'conflict-theirs'}, pretty(current.value)))
      : h('div', {}, h('h3', {}, 'Current'), readError && readError.status === 404
          ? notice('The key no longer exists: it was deleted after you opened it.')
          : refusal(readError, 'Could not read the current value'));
    const overwrite = current ? h('button', {type: 'button', id: 'conflict-overwrite',
      onclick: () => send(k, {value: mine.value, expectedVersion: current.version},
        document.getElementById('write-outcome'), area)}, `Write mine over version ${current.version}`) : null;
    const takeTheirs = current ? h('button', {type: 'button', class: 'secondary', id: 'conflict-take',
      onclick: () => drawEditor(k, current, notice(`Loaded version ${current.version}.`))}, 'Edit the current value')
      : null;
    replace(area, h('section', {class: 'conflict', id: 'conflict', 'aria-labelledby': 'conflict-title'},
      h('h2', {id: 'conflict-title'}, 'Version conflict: the entry changed since you opened it'),
      refusal(err),
      h('div', {class: 'sides'},
        h('div', {}, h('h3', {}, `Yours, edited from version ${mine.expectedVersion}`),
          h('pre', {id: 'conflict-mine'}, pretty(mine.value))),
        theirs),
      h('div', {class: 'actions'}, overwrite, takeTheirs,
        h('button', {type: 'button', class: 'secondary', onclick: () => replace(area)}, 'Keep editing'))));
    area.querySelector('#conflict-title').scrollIntoView({block: 'nearest'});
    (overwrite || area.querySelector('button')).focus();
  }

  (async () => {
    if (await loadNamespace()) {
      await loadPage();
      if (state.selected) {
        openEntry(state.selected);
      }
    }
  })();
  return null;
}
