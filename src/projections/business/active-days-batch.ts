import { addDays } from '../../domain/metrics/calendar.js';
import type { Queryable } from '../../infra/db.js';
import { ACTIVE_REACH_DAYS, foldActiveDays, type ActiveCandidate, type ActiveRow } from './active-days-fold.js';

/** The rows of the candidates' users the fold needs: all within reach of their new days, and the nearest further out (overall and per country). */
async function knownRows(tx: Queryable, schema: string, candidates: readonly ActiveCandidate[]): Promise<ActiveRow[]> {
  const spans = new Map<string, { lo: string; hi: string; countries: Set<string> }>();
  for (const c of candidates) {
    const s = spans.get(c.user_id);
    if (!s) spans.set(c.user_id, { lo: c.day, hi: c.day, countries: new Set([c.country]) });
    else {
      if (c.day < s.lo) s.lo = c.day;
      if (c.day > s.hi) s.hi = c.day;
      s.countries.add(c.country);
    }
  }
  const users = [...spans.keys()];
  const los = users.map((u) => addDays(spans.get(u)!.lo, -ACTIVE_REACH_DAYS));
  const his = users.map((u) => addDays(spans.get(u)!.hi, ACTIVE_REACH_DAYS));
  const pairs = [...spans.entries()].flatMap(([u, s]) => [...s.countries].map((c) => [u, c, addDays(s.lo, -ACTIVE_REACH_DAYS), addDays(s.hi, ACTIVE_REACH_DAYS)] as const));
  const cols = `a.day::text as day, a.user_id, a.country, a.prev_day::text as prev_day, a.prev_in_country::text as prev_in_country`;
  const rows = await tx.query<ActiveRow>(
    `with s as (select * from unnest($1::text[], $2::date[], $3::date[]) as s(user_id, lo, hi)),
          p as (select * from unnest($4::text[], $5::text[], $6::date[], $7::date[]) as p(user_id, country, lo, hi))
     select ${cols} from s join ${schema}.business_active a on a.user_id = s.user_id and a.day between s.lo and s.hi
     union
     select ${cols} from s cross join lateral
       (select * from ${schema}.business_active a where a.user_id = s.user_id and a.day < s.lo order by a.day desc limit 1) a
     union
     select ${cols} from s cross join lateral
       (select * from ${schema}.business_active a where a.user_id = s.user_id and a.day > s.hi order by a.day limit 1) a
     union
     select ${cols} from p cross join lateral
       (select * from ${schema}.business_active a where a.user_id = p.user_id and a.country = p.country and a.day < p.lo order by a.day desc limit 1) a
     union
     select ${cols} from p cross join lateral
       (select * from ${schema}.business_active a where a.user_id = p.user_id and a.country = p.country and a.day > p.hi order by a.day limit 1) a`,
    [users, los, his, pairs.map((p) => p[0]), pairs.map((p) => p[1]), pairs.map((p) => p[2]), pairs.map((p) => p[3])],
  );
  return rows;
}

/**
 * Adds active (day, user) rows, in the batch's order (a day's first country
 * wins), and keeps the rows' previous days and the day, week and month
 * counters in step, with a fixed number of statements whatever the batch.
 */
export async function applyActiveDays(tx: Queryable, schema: string, candidates: readonly ActiveCandidate[]): Promise<void> {
  if (candidates.length === 0) return;
  const plan = foldActiveDays(await knownRows(tx, schema, candidates), candidates);
  if (plan.inserts.length > 0) {
    const r = plan.inserts;
    await tx.query(
      `insert into ${schema}.business_active (day, user_id, country, prev_day, prev_in_country)
       select * from unnest($1::date[], $2::text[], $3::text[], $4::date[], $5::date[])`,
      [r.map((x) => x.day), r.map((x) => x.user_id), r.map((x) => x.country), r.map((x) => x.prev_day), r.map((x) => x.prev_in_country)],
    );
  }
  if (plan.updates.length > 0) {
    const r = plan.updates;
    await tx.query(
      `update ${schema}.business_active a set prev_day = u.prev_day, prev_in_country = u.prev_in_country
         from unnest($1::date[], $2::text[], $3::date[], $4::date[]) as u(day, user_id, prev_day, prev_in_country)
        where a.day = u.day and a.user_id = u.user_id`,
      [r.map((x) => x.day), r.map((x) => x.user_id), r.map((x) => x.prev_day), r.map((x) => x.prev_in_country)],
    );
  }
  if (plan.days.size > 0) {
    const d = [...plan.days.entries()];
    await tx.query(
      `insert into ${schema}.business_active_days (day, users, users_7d, users_30d)
       select * from unnest($1::date[], $2::int[], $3::int[], $4::int[])
       on conflict (day) do update set users = ${schema}.business_active_days.users + excluded.users,
         users_7d = ${schema}.business_active_days.users_7d + excluded.users_7d,
         users_30d = ${schema}.business_active_days.users_30d + excluded.users_30d`,
      [d.map(([k]) => k), d.map(([, v]) => v.users), d.map(([, v]) => v.users_7d), d.map(([, v]) => v.users_30d)],
    );
  }
  if (plan.periods.size > 0) {
    const p = [...plan.periods.entries()].map(([k, n]) => [...k.split('|'), n] as const);
    await tx.query(
      `insert into ${schema}.business_active_periods (granularity, start, users)
       select * from unnest($1::text[], $2::date[], $3::int[])
       on conflict (granularity, start) do update set users = ${schema}.business_active_periods.users + excluded.users`,
      [p.map((x) => x[0]), p.map((x) => x[1]), p.map((x) => x[2])],
    );
  }
}
