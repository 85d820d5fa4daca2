// A small line chart of operations per second (SVG, drawn from numbers: no library, no innerHTML).

const NS = 'http://www.w3.org/2000/svg';
const H = 200;
const PAD = {left: 48, right: 12, top: 12, bottom: 26};

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, String(v));
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

function niceMax(v) {
  if (v <= 1) {
    return 1;
  }
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * p >= v) {
      return m * p;
    }
  }
  return 10 * p;
}

export function rate(n) {
  if (n === 0) {
    return '0';
  }
  return n >= 100 ? Math.round(n).toLocaleString() : n.toFixed(n >= 10 ? 0 : 1);
}

/**
 * Draws series ({name: [per-second rates, oldest first]}) spanning spanSeconds into svg.
 */
export function drawChart(svg, series, spanSeconds) {
  // the drawing's units are the element's pixels, so that text keeps its size whatever the width
  const W = Math.max(320, Math.round(svg.getBoundingClientRect().width) || 800);
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const names = Object.keys(series);
  const n = Math.max(...names.map(k => series[k].length), 2);
  const max = niceMax(Math.max(0, ...names.flatMap(k => series[k])));
  const x = i => PAD.left + (i / (n - 1)) * (W - PAD.left - PAD.right);
  const y = v => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  for (const v of [0, max / 2, max]) {
    svg.appendChild(el('line', {class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v)}));
    svg.appendChild(el('text', {class: 'tick', x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end'}, rate(v) + '/s'));
  }
  const minutes = spanSeconds / 60;
  for (const [i, label] of [[0, `−${minutes % 1 ? minutes.toFixed(1) : minutes} min`],
    [(n - 1) / 2, `−${(minutes / 2).toFixed(minutes % 2 ? 1 : 0)} min`], [n - 1, 'now']]) {
    svg.appendChild(el('text', {class: 'tick', x: x(i), y: H - 6,
      'text-anchor': i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle'}, label));
  }
  for (const name of names) {
    const points = series[name].map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    svg.appendChild(el('polyline', {class: 'line ' + name, points}));
  }
}
