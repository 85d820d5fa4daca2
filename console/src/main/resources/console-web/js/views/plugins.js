// Plugins: strategies, permission providers, audit sinks, authenticators and stores — ranking, bundle, in use or not
// (GET /v1/plugins); the store's facts and, when the store is shared, the cluster; and a chart of reads, writes and
// refusals per second over the last minutes (GET /v1/stats, in the namespaces the agent may read).

import * as api from '../api.js';
import {drawChart, rate} from '../chart.js';
import {h, notice, refusal, replace} from '../dom.js';

export function render(main, params, ctx) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', 'chart-title chart-summary');
  svg.id = 'ops-chart';
  const legend = h('div', {class: 'legend', id: 'chart-legend'});
  const summary = h('p', {class: 'muted', id: 'chart-summary'}, 'Waiting for the first figures…');
  const chartProblem = h('div');
  const pluginsArea = h('div', {id: 'plugins-area'}, h('p', {class: 'muted'}, 'Loading…'));
  replace(main,
    h('h1', {}, 'Plugins and activity'),
    h('p', {class: 'sub'}, 'What the memory runs on, and how busy it is.'),
    h('section', {class: 'panel chart', 'aria-labelledby': 'chart-title'},
      h('h2', {id: 'chart-title'}, 'Operations per second'),
      h('p', {class: 'muted'}, 'Reads, writes and refusals in the namespaces ', h('strong', {}, ctx.agentId),
        ' may read, on this server.'),
      chartProblem, svg, legend, summary),
    h('div', {class: 'actions'}, h('button', {type: 'button', class: 'secondary', onclick: loadPlugins},
      'Refresh plugins')),
    pluginsArea);

  let timer = null;
  let closed = false;

  async function loadStats() {
    let stats;
    try {
      stats = await api.get('/stats');
    } catch (err) {
      replace(chartProblem, refusal(err, 'No figures'));
      schedule(5000);
      return;
    }
    replace(chartProblem);
    const ops = stats.operations;
    if (!ops) {
      replace(chartProblem, notice('This server counts no operations (its HTTP API has no operation counters).'));
      return;
    }
    const seconds = ops.intervalMillis / 1000;
    const perSecond = list => list.map(c => c / seconds);
    const series = {reads: perSecond(ops.reads), writes: perSecond(ops.writes), refusals: perSecond(ops.refusals)};
    drawChart(svg, series, seconds * ops.reads.length);
    const last = k => series[k][series[k].length - 1];
    const total = k => ops[k].reduce((a, b) => a + b, 0);
    replace(legend, ['reads', 'writes', 'refusals'].map(k => h('span', {dataset: {series: k}},
      h('span', {class: 'swatch ' + k}), `${k} ${rate(last(k))}/s`)));
    const minutes = Math.round(seconds * ops.reads.length / 60);
    replace(summary, `Last ${seconds} s: ${rate(last('reads'))} reads/s, ${rate(last('writes'))} writes/s, `
        + `${rate(last('refusals'))} refusals/s. Last ${minutes} minutes: `,
    h('span', {id: 'total-reads'}, String(total('reads'))), ' reads, ',
    h('span', {id: 'total-writes'}, String(total('writes'))), ' writes, ',
    h('span', {id: 'total-refusals'}, String(total('refusals'))), ' refusals. Updated ',
    new Date(ops.end).toLocaleTimeString(), '.');
    schedule(Math.max(1000, ops.intervalMillis));
  }

  function schedule(ms) {
    if (!closed) {
      clearTimeout(timer);
      timer = setTimeout(loadStats, ms);
    }
  }

  const inUse = p => p.inUse ? h('span', {class: 'badge inuse'}, 'in use') : h('span', {class: 'badge'}, 'not used');
  const bundle = p => p.bundle ? `${p.bundle.symbolicName} ${p.bundle.version} [${p.bundle.id}]` : '—';

  function table(id, title, rows, explain, withName, extra) {
    return h('section', {class: 'panel', 'aria-labelledby': id + '-title'},
      h('h2', {id: id + '-title'}, title),
      h('p', {class: 'muted'}, explain),
      rows.length === 0 ? notice('None present.', 'warning') : h('div', {class: 'table-wrap'}, h('table', {id},
        h('thead', {}, h('tr', {},
          withName ? h('th', {scope: 'col'}, 'Name') : null,
          h('th', {scope: 'col'}, ''), h('th', {scope: 'col', class: 'num'}, 'Ranking'),
          h('th', {scope: 'col', class: 'num'}, 'Service'), h('th', {scope: 'col'}, 'Bundle'),
          h('th', {scope: 'col'}, 'Component'), extra ? h('th', {scope: 'col'}, extra.title) : null)),
        h('tbody', {}, rows.map(p => h('tr', {dataset: {name: p.name ?? '', inUse: String(p.inUse)}},
          withName ? h('td', {class: 'mono'}, p.name ?? '(no name)') : null,
          h('td', {}, inUse(p)),
          h('td', {class: 'num'}, String(p.ranking)),
          h('td', {class: 'num'}, p.serviceId >= 0 ? String(p.serviceId) : '—'),
          h('td', {}, bundle(p)),
          h('td', {class: 'mono'}, p.component ?? ''),
          extra ? h('td', {}, extra.cell(p)) : null))))));
  }

  function facts(map) {
    return h('dl', {class: 'facts'}, Object.entries(map).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  /**
   * The members fact of the Hazelcast store ("2 [[127.0.0.1]:5701 (this one), [127.0.0.1]:5702]") as a list of
   * {address, self}; null when the fact reads otherwise (another shared store), which is then shown as it is.
   */
  function memberList(text) {
    const m = /^(\d+) \[(.*)\]$/.exec(text ?? '');
    if (!m) {
      return null;
    }
    const list = m[2].split(', ').map(s => s.endsWith(' (this one)')
      ? {address: s.slice(0, -' (this one)'.length), self: true} : {address: s, self: false});
    return list.length === Number(m[1]) ? list : null;
  }

  /** The facts a shared store gives of its cluster (the Hazelcast store's labels, members as a list), else all. */
  function clusterFacts(store) {
    const labels = ['cluster', 'members', 'partitions safe', 'backups'];
    const picked = Object.entries(store).filter(([k]) => labels.includes(k));
    if (!picked.length) {
      return facts(store);
    }
    const members = memberList(store.members);
    return [
      facts(Object.fromEntries(picked.map(([k, v]) => [k, k === 'members' && members ? String(members.length) : v]))),
      members ? h('ul', {class: 'members', id: 'cluster-members', 'aria-label': 'Members'}, members.map(m =>
        h('li', {dataset: {address: m.address, self: String(m.self)}}, h('span', {class: 'mono'}, m.address),
          m.self ? h('span', {class: 'badge inuse', title: 'the member serving this console'}, 'this member')
            : null))) : null,
    ];
  }

  async function loadPlugins() {
    let p;
    try {
      p = await api.get('/plugins');
    } catch (err) {
      replace(pluginsArea, refusal(err, 'Could not list the plugins'));
      return;
    }
    const storeName = p.store.store ?? '?';
    replace(pluginsArea,
      h('div', {class: 'grid2'},
        h('section', {class: 'panel', id: 'store-panel', 'aria-labelledby': 'store-title'},
          h('h2', {id: 'store-title'}, `Store: ${storeName}`), facts(p.store)),
        p.clustered
          ? h('section', {class: 'panel', id: 'cluster-panel', 'aria-labelledby': 'cluster-title'},
              h('h2', {id: 'cluster-title'}, 'Cluster'),
              h('p', {class: 'muted'}, 'The store in use is shared by the members of a cluster.'),
              clusterFacts(p.store))
          : h('section', {class: 'panel', id: 'cluster-panel', 'aria-labelledby': 'cluster-title'},
              h('h2', {id: 'cluster-title'}, 'Cluster'),
              h('p', {class: 'muted'}, 'Not clustered: the store in use is not shared with other processes.'))),
      table('strategies', 'Conflict strategies', p.strategies,
        'Found by name; of several with one name, the highest ranking is used.', true),
      table('permission-providers', 'Permission providers', p.permissionProviders,
        'The highest ranking decides every permission; with none, every check is denied.', false),
      table('audit-sinks', 'Audit sinks', p.auditSinks,
        `Every sink receives every access-log entry. Audit failures so far: ${p.auditFailures}.`, false),
      table('authenticators', 'Authenticators', p.authenticators,
        'The highest ranking proves agents\' secrets and tokens (sessions, this console\'s sign-in).', false),
      table('stores', 'Stores', p.stores, 'The engine runs on the store its configuration names.', true,
        {title: 'Capabilities', cell: s => s.capabilities === null ? h('span', {class: 'muted'}, 'not asked')
          : s.capabilities.length ? s.capabilities.join(', ') : 'none'}));
  }

  loadStats();
  loadPlugins();
  return () => {
    closed = true;
    clearTimeout(timer);
  };
}
