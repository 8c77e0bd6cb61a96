// Nexus Bank business dashboard: reads /business/daily with a staff token and
// draws each daily series as an inline SVG line chart. No library, no network
// access beyond this origin. Money charts are one per currency (never mixed).
'use strict';

(function () {
  const TOKEN_KEY = 'nexus.staffToken';
  const SVG = 'http://www.w3.org/2000/svg';
  const CURRENCIES = ['JOD', 'USD', 'EUR'];
  const COLORS = ['#1f6feb', '#d9480f', '#2b8a3e', '#862e9c'];
  const W = 480, H = 220, PAD = { left: 48, right: 12, top: 12, bottom: 28 };

  const $ = (id) => document.getElementById(id);

  function status(text, state) {
    const el = $('status');
    el.textContent = text;
    el.dataset.state = state;
  }

  function svg(name, attrs, parent) {
    const el = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (parent) parent.appendChild(el);
    return el;
  }

  /** The charts: counts, then one money chart per currency. `pick` returns the API's value as text. */
  function chartSpecs() {
    const count = (field) => ({ field, pick: (day) => String(day[field]) });
    const money = (field, currency) => ({ field, pick: (day) => day[field][currency] });
    const specs = [
      { id: 'activity', title: 'Users and logins per day', series: [count('new_users'), count('logins'), count('active_users'), count('failed_logins')] },
      { id: 'movements', title: 'Money movements per day (count)', series: [count('deposits_count'), count('transfers_count'), count('bill_payments_count'), count('reversals_count')] },
    ];
    for (const c of CURRENCIES) {
      specs.push({
        id: `money-${c}`,
        title: `Amounts per day in ${c}`,
        series: [money('deposits_amount', c), money('transfers_amount', c), money('bill_payments_amount', c), money('fees_collected', c)],
      });
    }
    return specs;
  }

  function drawChart(spec, days) {
    const box = document.createElement('section');
    box.className = 'chart';
    box.dataset.chart = spec.id;
    const h2 = document.createElement('h2');
    h2.textContent = spec.title;
    box.appendChild(h2);
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': spec.title, 'data-chart': spec.id });
    box.appendChild(root);

    const values = spec.series.map((s) => days.map((d) => s.pick(d)));
    const max = Math.max(1, ...values.flat().map(Number));
    const innerW = W - PAD.left - PAD.right, innerH = H - PAD.top - PAD.bottom;
    const x = (i) => PAD.left + (days.length === 1 ? innerW / 2 : (i * innerW) / (days.length - 1));
    const y = (v) => PAD.top + innerH - (Number(v) / max) * innerH;

    svg('line', { x1: PAD.left, y1: PAD.top + innerH, x2: W - PAD.right, y2: PAD.top + innerH, stroke: '#8894a3' }, root);
    svg('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: PAD.top + innerH, stroke: '#8894a3' }, root);
    const label = (text, attrs) => { svg('text', { 'font-size': 10, fill: '#5a6675', ...attrs }, root).textContent = text; };
    label(String(max), { x: PAD.left - 4, y: PAD.top + 8, 'text-anchor': 'end' });
    label('0', { x: PAD.left - 4, y: PAD.top + innerH, 'text-anchor': 'end' });
    if (days.length > 0) {
      label(days[0].date, { x: PAD.left, y: H - 8, 'text-anchor': 'start' });
      label(days[days.length - 1].date, { x: W - PAD.right, y: H - 8, 'text-anchor': 'end' });
    }

    spec.series.forEach((s, k) => {
      const g = svg('g', { 'data-series': s.field, stroke: COLORS[k], fill: COLORS[k] }, root);
      svg('polyline', { points: values[k].map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '), fill: 'none', 'stroke-width': 2 }, g);
      values[k].forEach((v, i) => {
        const dot = svg('circle', { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 3, 'data-date': days[i].date, 'data-value': v }, g);
        svg('title', {}, dot).textContent = `${days[i].date} ${s.field}: ${v}`;
      });
    });

    const legend = document.createElement('div');
    legend.className = 'legend';
    spec.series.forEach((s, k) => {
      const item = document.createElement('span');
      item.className = `s${k}`;
      item.textContent = s.field;
      legend.appendChild(item);
    });
    box.appendChild(legend);
    return box;
  }

  async function load() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) return status('Paste a staff access token to load the metrics.', 'idle');
    const params = new URLSearchParams();
    if ($('from').value) params.set('from', $('from').value);
    if ($('to').value) params.set('to', $('to').value);
    status('Loading…', 'loading');
    let res;
    try {
      res = await fetch(`/business/daily?${params}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
    } catch (error) {
      return status(`The API could not be reached: ${error.message}`, 'error');
    }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      if (res.status === 401) sessionStorage.removeItem(TOKEN_KEY);
      return status(`${res.status}: ${body.detail || body.title || 'request failed'}`, 'error');
    }
    const days = body.results.slice().reverse(); // oldest first, left to right
    const charts = $('charts');
    charts.replaceChildren(...chartSpecs().map((spec) => drawChart(spec, days)));
    status(`${days.length} days, ${body.from} to ${body.to} (UTC).`, 'ready');
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('controls').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token').value.trim();
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      $('token').value = '';
      void load();
    });
    $('forget').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      $('charts').replaceChildren();
      status('Token forgotten.', 'idle');
    });
    if (sessionStorage.getItem(TOKEN_KEY)) $('token').removeAttribute('required');
    void load();
  });
})();
