import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client.ts';
import { downloadCsv } from '../api/csv.ts';
import { useAction, useLoad } from '../components/hooks.ts';
import { formatMoney, plotValue } from '../components/money.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { TimeChart, type ChartSeries } from '../components/TimeChart.tsx';
import { useFilters } from '../components/useFilters.ts';
import type { PageProps } from '../routes.ts';

const CURRENCIES = ['JOD', 'USD', 'EUR'] as const;
type Day = Schemas['DailyMetrics'];
type Period = Schemas['PeriodMetrics'];

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => isoDay(new Date(Date.now() - n * 86_400_000));

/** One amount per currency, each kept on one line (never a total across currencies). */
function Amounts({ amounts }: { amounts: Record<string, string> }) {
  return (
    <>
      {Object.entries(amounts).map(([c, a], i) => (
        <>
          {i > 0 ? ' · ' : ''}
          <span class="nowrap">{formatMoney(a, c)}</span>
        </>
      ))}
    </>
  );
}

/** KPI cards of one period: counts as numbers, money per currency (never a total across currencies). */
function Kpis({ title, period, testId }: { title: string; period: Period; testId: string }) {
  const items: [string, ComponentChildren][] = [
    ['New users', String(period.new_users)],
    ['Active users', String(period.active_users)],
    ['Logins', `${period.logins} (${period.failed_logins} failed)`],
    ['Deposits', `${period.deposits_count}`],
    ['Deposited', <Amounts amounts={period.deposits_amount} />],
    ['Transfers', `${period.transfers_count}`],
    ['Transferred', <Amounts amounts={period.transfers_amount} />],
    ['Fees', <Amounts amounts={period.fees_collected} />],
  ];
  return (
    <section class="kpis" data-testid={testId} aria-labelledby={`${testId}-h`}>
      <h2 id={`${testId}-h`}>{title}</h2>
      <dl>
        {items.map(([k, v]) => (
          <div class="kpi">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

const countSeries = (days: Day[], pick: [string, (d: Day) => number][]): ChartSeries[] =>
  pick.map(([label, f]) => ({ label, values: days.map(f), texts: days.map((d) => String(f(d))) }));

const moneySeries = (days: Day[], currency: (typeof CURRENCIES)[number]): ChartSeries[] =>
  (
    [
      ['Deposits', (d: Day) => d.deposits_amount[currency]],
      ['Transfers', (d: Day) => d.transfers_amount[currency]],
      ['Bill payments', (d: Day) => d.bill_payments_amount[currency]],
      ['Fees', (d: Day) => d.fees_collected[currency]],
    ] as [string, (d: Day) => string][]
  ).map(([label, f]) => ({ label, values: days.map((d) => plotValue(f(d))), texts: days.map((d) => `${f(d)} ${currency}`) }));

/** Today / 7 / 30 days KPIs, daily charts over a date range (one chart per currency), and the range as CSV. */
export function OverviewPage(_: PageProps) {
  const { values, apply } = useFilters(['from', 'to']);
  const from = values.from || daysAgo(29);
  const to = values.to || daysAgo(0);
  const overview = useLoad(async () => ok(await api.GET('/business/overview')), []);
  const daily = useLoad(async () => ok(await api.GET('/business/daily', { params: { query: { from, to } } })), [from, to]);
  const csv = useAction(() => downloadCsv('/business/daily', { from, to }, `nexus-daily-${from}-${to}.csv`));
  const [draft, setDraft] = useState({ from, to });

  const days = useMemo(() => [...(daily.data && typeof daily.data !== 'string' ? daily.data.results : [])].sort((a, b) => a.date.localeCompare(b.date)), [daily.data]);
  const dates = useMemo(() => days.map((d) => d.date), [days]);
  const charts = useMemo(
    (): { id: string; title: string; unit?: string; series: ChartSeries[] }[] => [
      { id: 'activity', title: 'Activity (count)', series: countSeries(days, [['Logins', (d) => d.logins], ['Failed logins', (d) => d.failed_logins], ['New users', (d) => d.new_users]]) },
      { id: 'movements', title: 'Movements (count)', series: countSeries(days, [['Deposits', (d) => d.deposits_count], ['Transfers', (d) => d.transfers_count], ['Bill payments', (d) => d.bill_payments_count]]) },
      ...CURRENCIES.map((c) => ({ id: `money-${c}`, title: `Money in ${c}`, unit: c, series: moneySeries(days, c) })),
    ],
    [days],
  );

  return (
    <section class="page overview">
      <h1>Overview</h1>
      <ProblemAlert problem={overview.error} />
      {overview.data ? (
        <div class="kpi-grid">
          <Kpis title={`Today (${overview.data.date}, UTC)`} period={overview.data.daily} testId="kpi-today" />
          <Kpis title="Last 7 days" period={overview.data.last_7_days} testId="kpi-7d" />
          <Kpis title="Last 30 days" period={overview.data.last_30_days} testId="kpi-30d" />
        </div>
      ) : overview.loading ? <p role="status">Loading…</p> : null}

      <h2>Daily series</h2>
      <form
        class="filters"
        aria-label="Date range"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label><span>From</span><input type="date" name="from" value={draft.from} max={draft.to} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} /></label>
        <label><span>To</span><input type="date" name="to" value={draft.to} min={draft.from} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} /></label>
        <button type="submit" class="primary">Show</button>
        <button type="button" onClick={() => void csv.act()} disabled={csv.busy} data-testid="csv-daily">
          {csv.busy ? 'Preparing…' : 'Download CSV'}
        </button>
      </form>
      <ProblemAlert problem={csv.error ?? daily.error} />
      <div class="charts" aria-busy={daily.loading ? 'true' : 'false'}>
        {days.length ? charts.map((c) => <TimeChart key={c.id} id={c.id} title={c.title} unit={c.unit} dates={dates} series={c.series} />) : null}
      </div>
    </section>
  );
}
