// The console's shell: sign-in state, the header, the router (#/view/...), keyboard shortcuts.

import {onUnauthenticated, session} from './api.js';
import {h, replace, toast} from './dom.js';
import * as signin from './views/signin.js';
import * as namespaces from './views/namespaces.js';
import * as entries from './views/entries.js';
import * as live from './views/live.js';
import * as permissions from './views/permissions.js';
import * as accessLog from './views/accesslog.js';
import * as plugins from './views/plugins.js';

const main = document.getElementById('main');
const header = document.getElementById('top');
let cleanup = null;
let expiryTimer = null;
let signOutMessage = null;

/** #/a/b?x=1 -> {parts: ['a', 'b'], query: URLSearchParams} */
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const parts = path.split('/').filter(p => p !== '').map(p => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  return {parts, query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))};
}

export function navigate(hash) {
  if (location.hash === hash) {
    route();
  } else {
    location.hash = hash;
  }
}

const ROUTES = {
  namespaces: (p, q) => p.length > 1
      ? [entries, {namespace: p[1], key: p[2] === 'entries' && p.length > 3 ? p.slice(3).join('/') : null, query: q},
        'namespaces']
      : [namespaces, {query: q}, 'namespaces'],
  live: (p) => [live, {namespace: p[1] ?? null}, 'live'],
  permissions: (p) => [permissions, {namespace: p[1] ?? null}, 'permissions'],
  log: (p, q) => [accessLog, {query: q}, 'log'],
  plugins: () => [plugins, {}, 'plugins'],
};

function route() {
  if (cleanup) {
    try {
      cleanup();
    } catch {
      // a view that fails to clean up must not keep the next one from showing
    }
    cleanup = null;
  }
  const s = session.get();
  const {parts, query} = parseHash();
  if (!s) {
    header.hidden = true;
    const after = parts.length && parts[0] !== 'signin' ? location.hash : '#/namespaces';
    cleanup = signin.render(main, {message: signOutMessage, after, onSignedIn: signedIn});
    signOutMessage = null;
    document.title = 'Sign in · sharedmemory console';
    return;
  }
  const view = ROUTES[parts[0]];
  if (!view) {
    navigate('#/namespaces');
    return;
  }
  const [module, params, nav] = view(parts, query);
  header.hidden = false;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.view === nav) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  }
  replace(main);
  const ctx = {agentId: s.agentId, navigate, toast};
  cleanup = module.render(main, params, ctx) || null;
}

function showSession() {
  const s = session.get();
  clearTimeout(expiryTimer);
  if (!s) {
    return;
  }
  document.getElementById('who-agent').textContent = s.agentId;
  const until = new Date(s.expiresAt);
  const untilEl = document.getElementById('who-until');
  untilEl.textContent = 'session until ' + until.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
  untilEl.title = s.expiresAt;
  const left = until.getTime() - Date.now();
  // the browser's timer: the server refuses the token at the same moment (401) in any case
  expiryTimer = setTimeout(() => signOut('Your session expired at ' + until.toLocaleTimeString()
      + '. Sign in again.'), Math.max(0, Math.min(left, 2 ** 31 - 1)));
}

function signedIn(after) {
  showSession();
  navigate(after || '#/namespaces');
}

/** Forgets the token (it stays valid on the server until it expires: tokens are signed, not stored). */
function signOut(message) {
  session.clear();
  clearTimeout(expiryTimer);
  signOutMessage = message || null;
  route(); // the sign-in form, which returns to this view once signed in again
}

onUnauthenticated(message => {
  if (session.get()) {
    signOut('Signed out: ' + message);
  }
});

document.getElementById('sign-out').addEventListener('click', () => signOut('You signed out.'));

window.addEventListener('hashchange', route);

const SHORTCUTS = {'1': '#/namespaces', '2': '#/live', '3': '#/permissions', '4': '#/log', '5': '#/plugins'};

document.addEventListener('keydown', e => {
  if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented || !session.get()) {
    return;
  }
  const target = e.target;
  const typing = target instanceof HTMLElement
      && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
  if (typing || document.querySelector('dialog[open]')) {
    return;
  }
  if (SHORTCUTS[e.key]) {
    e.preventDefault();
    navigate(SHORTCUTS[e.key]);
    main.focus();
  } else if (e.key === '/') {
    const search = main.querySelector('[data-search]');
    if (search) {
      e.preventDefault();
      search.focus();
      search.select?.();
    }
  } else if (e.key === '?') {
    e.preventDefault();
    help();
  }
});

function help() {
  const dialog = h('dialog', {'aria-labelledby': 'help-title'},
    h('h2', {id: 'help-title'}, 'Keyboard'),
    h('dl', {class: 'facts'},
      h('dt', {}, h('kbd', {}, '1'), ' … ', h('kbd', {}, '5')), h('dd', {}, 'Namespaces, Live, Permissions, Access log, Plugins'),
      h('dt', {}, h('kbd', {}, '/')), h('dd', {}, 'the view\'s filter'),
      h('dt', {}, h('kbd', {}, 'Tab'), ' ', h('kbd', {}, 'Enter')), h('dd', {}, 'every control, links and buttons'),
      h('dt', {}, h('kbd', {}, 'Esc')), h('dd', {}, 'closes a dialog'),
      h('dt', {}, h('kbd', {}, '?')), h('dd', {}, 'this help')),
    h('div', {class: 'actions'}, h('button', {type: 'button', onclick: () => dialog.close()}, 'Close')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
}

showSession();
route();
