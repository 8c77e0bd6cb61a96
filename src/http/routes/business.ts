import express, { type Request, type Response, type Router } from 'express';
import { addDays, parseIsoDate, utcDay } from '../../domain/metrics/calendar.js';
import { emptyTotals } from '../../domain/metrics/kpis.js';
import { resolveRange, type DayRange, type Granularity } from '../../domain/metrics/date-range.js';
import { activeWindows, countryTotals, cumulativeByCountry, rangeTotals } from '../../projections/business/business-queries.js';
import { periodResults, periodResultsJson } from '../../projections/business/period-results.js';
import { jsonListBody } from '../json-list-body.js';
import { csvWhenAsked, wantsCsv } from '../csv-export.js';
import type { AppDeps } from '../deps.js';
import { requireStaff } from '../middleware/auth-guards.js';
import { HttpProblem } from '../problem.js';
import { businessDashboard } from './business-dashboard.js';
import { currencyViews, periodView, type Running } from '../../projections/business/business-views.js';

const TIMEZONE = 'UTC';

/** The original's names for `from` and `to`; either spelling, never both. */
const ALIASES = { from: 'date_from', to: 'date_to' } as const;

/**
 * The range a request asks for: `date`, `from`/`to` (or the original's
 * `date_from`/`date_to`), and on the weekly and monthly lists `week` (a Monday)
 * or `month` (YYYY-MM). Any value that is not valid is a 400, never ignored.
 */
function rangeOf(req: Request, granularity: Granularity, allowDate: boolean): DayRange {
  const q = req.query as Record<string, unknown>;
  const text = (name: string) => {
    const v = q[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new HttpProblem(400, 'invalid_date', `${name} must be given once.`, { field: name });
    return v;
  };
  const bound = (name: 'from' | 'to') => {
    const alias = ALIASES[name];
    const [plain, original] = [text(name), text(alias)];
    if (plain !== undefined && original !== undefined) throw new HttpProblem(400, 'invalid_range', `Give ${name} or ${alias}, not both.`, { field: alias });
    if (original !== undefined && !parseIsoDate(original)) throw new HttpProblem(400, 'invalid_date', `${alias} must be a date written YYYY-MM-DD.`, { field: alias });
    return plain ?? original;
  };
  if (!allowDate && q.date !== undefined) throw new HttpProblem(400, 'invalid_range', 'Use from and to here.', { field: 'date' });
  for (const name of ['week', 'month'] as const) {
    if (q[name] !== undefined && granularity !== name) throw new HttpProblem(400, 'invalid_range', `${name} is taken by /business/${name}ly only.`, { field: name });
  }
  return resolveRange(
    { date: allowDate ? text('date') : undefined, from: bound('from'), to: bound('to'), week: text('week'), month: text('month') },
    utcDay(new Date()),
    granularity,
  );
}

function overviewDate(req: Request): string {
  for (const name of ['from', 'to', ...Object.values(ALIASES)]) {
    if (req.query[name] !== undefined) throw new HttpProblem(400, 'invalid_range', 'The overview takes one date.', { field: name });
  }
  return rangeOf(req, 'day', true).to;
}

/**
 * A list answer whose results are JSON text already (periodResults, one
 * object per period): the same bytes res.json would send for the parsed
 * objects; a CSV export (csvWhenAsked) gets the parsed objects.
 */
function sendList(req: Request, res: Response, range: DayRange, results: readonly string[]): void {
  if (wantsCsv(req)) {
    res.json({ ...range, timezone: TIMEZONE, results: results.map((r) => JSON.parse(r) as unknown), next_cursor: null });
    return;
  }
  const head = JSON.stringify({ ...range, timezone: TIMEZONE });
  res.type('application/json').send(jsonListBody(`${head.slice(0, -1)},"results":`, results, ',"next_cursor":null}'));
}

/** Business KPIs for staff (openapi/business.yaml); the old dashboard page redirects to the console. */
export function businessRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const db = deps.db;
  router.use(businessDashboard());
  router.use('/business', (_req, res, next) => {
    res.set('Cache-Control', 'private, no-store');
    next();
  });
  // CSV exports of the lists (Accept: text/csv or ?format=csv): the same rows as the JSON.
  router.use('/business', csvWhenAsked);

  for (const [path, granularity] of [['daily', 'day'], ['weekly', 'week'], ['monthly', 'month']] as const) {
    router.get(`/business/${path}`, requireStaff, async (req, res) => {
      const range = rangeOf(req, granularity, granularity === 'day');
      sendList(req, res, range, await periodResults(db, granularity, range));
    });
  }

  router.get('/business/countries', requireStaff, async (req, res) => {
    const range = rangeOf(req, 'day', true);
    const [byCountry, users, accounts] = await Promise.all([
      countryTotals(db, range),
      cumulativeByCountry(db, 'new_users', range.to),
      cumulativeByCountry(db, 'new_accounts', range.to),
    ]);
    const countries = [...new Set([...byCountry.keys(), ...users.keys()])].sort();
    const results = countries.map((country) => ({
      country,
      ...periodView(byCountry.get(country) ?? emptyTotals(), { users: users.get(country) ?? 0, accounts: accounts.get(country) ?? 0 }),
    }));
    res.json({ ...range, timezone: TIMEZONE, results, next_cursor: null });
  });

  router.get('/business/currencies', requireStaff, async (req, res) => {
    const range = rangeOf(req, 'day', true);
    res.json({ ...range, timezone: TIMEZONE, results: currencyViews(await rangeTotals(db, range)), next_cursor: null });
  });

  router.get('/business/active', requireStaff, async (req, res) => {
    const range = rangeOf(req, 'day', true);
    res.json({ ...range, timezone: TIMEZONE, results: (await activeWindows(db, range)).reverse(), next_cursor: null });
  });

  router.get('/business/overview', requireStaff, async (req, res) => {
    const date = overviewDate(req);
    const last7 = { from: addDays(date, -6), to: date };
    const last30 = { from: addDays(date, -29), to: date };
    const [[daily], week, month] = await Promise.all([
      periodResultsJson(db, 'day', { from: date, to: date }).then((text) => JSON.parse(text) as { total_users: number; total_accounts: number }[]),
      rangeTotals(db, last7),
      rangeTotals(db, last30),
    ]);
    // The running totals at the end of the date: the day's own.
    const atEnd: Running = { users: daily!.total_users, accounts: daily!.total_accounts };
    res.json({
      date,
      timezone: TIMEZONE,
      daily,
      last_7_days: { ...last7, ...periodView(week, atEnd) },
      last_30_days: { ...last30, ...periodView(month, atEnd) },
      currencies: currencyViews(month),
    });
  });

  return router;
}
