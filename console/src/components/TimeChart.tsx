import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** One value per day (plotting only); `texts` are what the tooltip shows (the API's exact strings). */
  values: number[];
  texts: string[];
}

const COLORS = ['#1f6feb', '#d4582a', '#2da44e', '#8250df', '#bf8700', '#cf222e'];

/** The tooltip: the hovered day and each visible series' exact value. */
function tooltip(series: ChartSeries[], dates: string[]): uPlot.Plugin {
  let tip: HTMLDivElement;
  return {
    hooks: {
      init: (u) => {
        tip = document.createElement('div');
        tip.className = 'chart-tip';
        tip.setAttribute('role', 'tooltip');
        tip.hidden = true;
        u.over.append(tip);
      },
      setCursor: (u) => {
        const i = u.cursor.idx;
        if (i === null || i === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
          tip.hidden = true;
          return;
        }
        tip.hidden = false;
        tip.replaceChildren();
        const head = document.createElement('strong');
        head.textContent = dates[i] ?? '';
        tip.append(head);
        series.forEach((s, k) => {
          if (!u.series[k + 1]?.show) return;
          const line = document.createElement('div');
          line.textContent = `${s.label}: ${s.texts[i] ?? ''}`;
          tip.append(line);
        });
        const left = Math.min(u.cursor.left, u.over.clientWidth - 160);
        tip.style.left = `${Math.max(0, left)}px`;
        tip.style.top = `${Math.max(0, (u.cursor.top ?? 0) - 10)}px`;
      },
    },
  };
}

/**
 * A daily line chart (uPlot): dates on the x axis, values on the y axis, a
 * tooltip, and a legend whose entries toggle their series. One chart holds one
 * unit (counts, or amounts of ONE currency): money is never added across currencies.
 */
export function TimeChart(props: { id: string; title: string; dates: string[]; series: ChartSeries[]; unit?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const [hidden, setHidden] = useState<Set<number>>(new Set());
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const xs = props.dates.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const width = () => Math.max(260, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
        series: [{ label: 'Day' }, ...props.series.map((s, k) => ({ label: s.label, stroke: COLORS[k % COLORS.length], width: 2, points: { show: true, size: 5 } }))],
        axes: [{}, { label: props.unit, size: 70 }],
        scales: { x: { time: true } },
        legend: { show: false },
        plugins: [tooltip(props.series, props.dates)],
      },
      [xs, ...props.series.map((s) => s.values)],
      el,
    );
    plotRef.current = plot;
    setHidden(new Set());
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [props.dates, props.series]);
  return (
    <figure class="chart" data-chart={props.id}>
      <figcaption>{props.title}</figcaption>
      <div ref={host} class="chart-host" />
      <div class="legend" role="group" aria-label={`${props.title}: series`}>
        {props.series.map((s, k) => (
          <button
            type="button"
            aria-pressed={!hidden.has(k)}
            data-series={s.label}
            onClick={() => {
              const next = new Set(hidden);
              if (next.has(k)) next.delete(k);
              else next.add(k);
              setHidden(next);
              plotRef.current?.setSeries(k + 1, { show: !next.has(k) });
            }}
          >
            <span class="swatch" style={{ background: COLORS[k % COLORS.length] }} aria-hidden="true" />
            {s.label}
          </button>
        ))}
      </div>
    </figure>
  );
}
