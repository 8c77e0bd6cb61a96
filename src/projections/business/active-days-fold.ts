import { monthStart, weekStart } from '../../domain/metrics/calendar.js';

/**
 * Active users kept so every question the KPIs ask about them is a lookup, not
 * a distinct count: each (day, user) row knows the user's previous active day
 * (`prev_day`) and previous active day in the same country (`prev_in_country`),
 * so the distinct users of any range are its rows whose previous day falls
 * before the range; and the DAU, trailing 7- and 30-day distinct users of each
 * day and the distinct users of each week and month are counters updated as
 * rows arrive, in any day order.
 *
 * This is the pure part: rows known before (every row of the users concerned
 * within 31 days of the new ones, plus their nearest rows further out, overall
 * and per country) + new rows -> rows to insert, rows whose prev changed, and
 * counter deltas.
 */
export interface ActiveRow {
  day: string;
  user_id: string;
  country: string;
  prev_day: string | null;
  prev_in_country: string | null;
}

export interface ActiveCandidate {
  day: string;
  user_id: string;
  country: string;
}

/** Deltas to the per-day counters: DAU, trailing 7-day and 30-day distinct users. */
export interface DayDelta {
  users: number;
  users_7d: number;
  users_30d: number;
}

export interface ActivePlan {
  inserts: ActiveRow[];
  /** Stored rows whose prev_day or prev_in_country changed (final values). */
  updates: ActiveRow[];
  days: Map<string, DayDelta>;
  /** Keyed `week|YYYY-MM-DD` or `month|YYYY-MM-DD` (the period's first day). */
  periods: Map<string, number>;
}

/** How far around a new day the fold needs every stored row of its user (a window's or a month's reach). */
export const ACTIVE_REACH_DAYS = 31;

const DAY_MS = 86_400_000;
const num = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const text = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** The new users a trailing window of `width` days gains when `x` joins a user's days between `prev` and `next`. */
function windowGain(days: Map<string, DayDelta>, field: 'users_7d' | 'users_30d', width: number, x: number, prev: number | undefined, next: number | undefined): void {
  const first = prev === undefined ? x : Math.max(x, prev + width);
  const last = next === undefined ? x + width - 1 : Math.min(x + width - 1, next - 1);
  for (let d = first; d <= last; d++) at(days, text(d))[field] += 1;
}

function at(days: Map<string, DayDelta>, day: string): DayDelta {
  let d = days.get(day);
  if (!d) days.set(day, (d = { users: 0, users_7d: 0, users_30d: 0 }));
  return d;
}

/** Nearest row before and after `x` in a sorted list, optionally only of one country. */
function neighbours(rows: ActiveRow[], x: string, country?: string): [ActiveRow | undefined, ActiveRow | undefined] {
  let before: ActiveRow | undefined;
  for (const r of rows) {
    if (country !== undefined && r.country !== country) continue;
    if (r.day < x) before = r;
    else if (r.day > x) return [before, r];
  }
  return [before, undefined];
}

/** Folds new (day, user) rows into the known ones; a row already known (same day and user) is skipped, first one wins. */
export function foldActiveDays(known: readonly ActiveRow[], candidates: readonly ActiveCandidate[]): ActivePlan {
  const byUser = new Map<string, ActiveRow[]>();
  for (const r of known) {
    let list = byUser.get(r.user_id);
    if (!list) byUser.set(r.user_id, (list = []));
    list.push({ ...r });
  }
  for (const list of byUser.values()) list.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const stored = new Set(known.map((r) => `${r.day}|${r.user_id}`));
  const inserted = new Map<string, ActiveRow>();
  const changed = new Map<string, ActiveRow>();
  const plan: ActivePlan = { inserts: [], updates: [], days: new Map(), periods: new Map() };

  for (const c of candidates) {
    const key = `${c.day}|${c.user_id}`;
    if (stored.has(key) || inserted.has(key)) continue;
    let list = byUser.get(c.user_id);
    if (!list) byUser.set(c.user_id, (list = []));
    const [prev, next] = neighbours(list, c.day);
    const [prevHere, nextHere] = neighbours(list, c.day, c.country);
    const row: ActiveRow = { day: c.day, user_id: c.user_id, country: c.country, prev_day: prev?.day ?? null, prev_in_country: prevHere?.day ?? null };
    const touch = (r: ActiveRow) => {
      const k = `${r.day}|${r.user_id}`;
      if (!inserted.has(k)) changed.set(k, r);
    };
    if (next) {
      next.prev_day = c.day;
      touch(next);
    }
    if (nextHere) {
      nextHere.prev_in_country = c.day;
      touch(nextHere);
    }

    const x = num(c.day);
    at(plan.days, c.day).users += 1;
    windowGain(plan.days, 'users_7d', 7, x, prev && num(prev.day), next && num(next.day));
    windowGain(plan.days, 'users_30d', 30, x, prev && num(prev.day), next && num(next.day));
    for (const [kind, start] of [['week', weekStart], ['month', monthStart]] as const) {
      const first = start(c.day);
      if (!list.some((r) => start(r.day) === first)) plan.periods.set(`${kind}|${first}`, (plan.periods.get(`${kind}|${first}`) ?? 0) + 1);
    }

    const i = next ? list.indexOf(next) : list.length;
    list.splice(i, 0, row);
    inserted.set(key, row);
  }
  plan.inserts = [...inserted.values()];
  plan.updates = [...changed.values()];
  return plan;
}
