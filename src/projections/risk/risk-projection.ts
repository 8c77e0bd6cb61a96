import type { Evidence } from '../../domain/risk/events.js';
import type { BankRecordedEvent } from '../../eventstore/bank-events.js';
import type { Queryable } from '../../infra/db.js';
import { ERASED } from '../../privacy/sealed-value.js';
import { PERSONAL_EVIDENCE } from '../../privacy/personal-fields.js';
import { byEventType, type Projection } from '../runtime/projection.js';
import { INCIDENT_DAY, SEVERITY_RANK } from './incident-queries.js';

/** The country an incident is about, when its evidence names one. */
function countryOf(evidence: Evidence): string | null {
  const c = evidence.new_country ?? evidence.country;
  return typeof c === 'string' && c !== '' ? c : null;
}

/** The incidents `unique_attack_ips` counts the IPs of: medium or worse, not staff actions. */
const ATTACK = `rule <> 'admin_action' and severity in ('medium', 'high', 'critical')`;

async function transition(tx: Queryable, schema: string, e: BankRecordedEvent<'IncidentAcknowledged' | 'IncidentResolved'>, status: 'acknowledged' | 'resolved'): Promise<void> {
  const d = e.data;
  const prefix = status === 'acknowledged' ? 'acknowledged' : 'resolved';
  const incidentId = e.stream_id.replace(/^incident-/, '');
  const [before] = await tx.query<{ rule: string; severity: string; status: string }>(
    `select rule, severity, status from ${schema}.incidents where incident_id = $1`,
    [incidentId],
  );
  if (before && before.status !== status) {
    await tx.query(
      `insert into ${schema}.incident_counts (rule, severity, status, n) values ($1, $2, $3, -1), ($1, $2, $4, 1)
       on conflict (rule, severity, status) do update set n = ${schema}.incident_counts.n + excluded.n`,
      [before.rule, before.severity, before.status, status],
    );
  }
  await tx.query(
    `update ${schema}.incidents
        set status = $2, ${prefix}_by = $3, ${prefix}_note = $4, ${prefix}_at = $5, updated_at = $5, last_position = $6::bigint
      where incident_id = $1`,
    [incidentId, status, d.by, d.note, d.at, e.position.toString()],
  );
}

/**
 * Incidents for the risk dashboards (`incidents`, newest position first, with
 * an index for each filter and ordering of the list) and what the KPIs read
 * without scanning them: `incident_counts` per (rule, severity, status),
 * `incident_attack_ips` (incidents per attack IP) and `risk_counters` (failed
 * and locked logins, and `attack_ips`: how many IPs have incidents left);
 * `incident_days` (the lowest and highest position raised each UTC day) bounds
 * a date-filtered list to the positions of its days.
 */
export const riskProjection: Projection = {
  name: 'risk',
  version: 4,
  tables: ['incidents', 'risk_counters', 'incident_counts', 'incident_attack_ips', 'incident_days'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.incidents (
        incident_id        uuid primary key,
        position           bigint not null,
        rule               text not null,
        severity           text not null,
        status             text not null,
        user_id            text,
        account_number     text,
        ip                 text,
        country            text,
        evidence           jsonb not null,
        raised_at          timestamptz not null,
        raised_by          text,
        acknowledged_by    text,
        acknowledged_note  text,
        acknowledged_at    timestamptz,
        resolved_by        text,
        resolved_note      text,
        resolved_at        timestamptz,
        updated_at         timestamptz not null,
        last_position      bigint not null
      );
      create index on ${schema}.incidents (position desc);
      create index on ${schema}.incidents (rule, position desc);
      create index on ${schema}.incidents (user_id, position desc);
      create index on ${schema}.incidents (status, severity);
      create index on ${schema}.incidents (status, position desc);
      create index on ${schema}.incidents (severity, position desc);
      create index on ${schema}.incidents (country, position desc);
      create index on ${schema}.incidents (raised_at, position);
      create index on ${schema}.incidents (${SEVERITY_RANK}, position desc);
      create index on ${schema}.incidents (${SEVERITY_RANK} desc, position desc);
      create table ${schema}.risk_counters (
        name text primary key,
        n    bigint not null
      );
      create table ${schema}.incident_counts (
        rule     text not null,
        severity text not null,
        status   text not null,
        n        bigint not null,
        primary key (rule, severity, status)
      );
      create table ${schema}.incident_attack_ips (
        ip text primary key,
        n  bigint not null
      );
      create table ${schema}.incident_days (
        day          date primary key,
        min_position bigint not null,
        max_position bigint not null
      );`);
  },
  ...byEventType({
    async IncidentRaised(tx, e, schema) {
      const d = e.data;
      // The counts move only when the incident is new (a replayed raise inserts nothing).
      await tx.query(
        `with raised as (
           insert into ${schema}.incidents
             (incident_id, position, rule, severity, status, user_id, account_number, ip, country, evidence, raised_at, raised_by, updated_at, last_position)
           values ($1, $2::bigint, $3, $4, 'open', $5, $6, $7, $8, $9::jsonb, $10, $11, $10, $2::bigint)
           on conflict (incident_id) do nothing
           returning rule, severity, status, ip, raised_at, position),
         days as (
           insert into ${schema}.incident_days (day, min_position, max_position)
           select ${INCIDENT_DAY}, position, position from raised
           on conflict (day) do update set min_position = least(${schema}.incident_days.min_position, excluded.min_position),
                                           max_position = greatest(${schema}.incident_days.max_position, excluded.max_position)),
         counted as (
           insert into ${schema}.incident_counts (rule, severity, status, n) select rule, severity, status, 1 from raised
           on conflict (rule, severity, status) do update set n = ${schema}.incident_counts.n + 1),
         ips as (
           insert into ${schema}.incident_attack_ips (ip, n) select ip, 1 from raised where ip is not null and ${ATTACK}
           on conflict (ip) do update set n = ${schema}.incident_attack_ips.n + 1
           returning n)
         insert into ${schema}.risk_counters (name, n) select 'attack_ips', 1 from ips where n = 1
         on conflict (name) do update set n = ${schema}.risk_counters.n + 1`,
        [
          d.incident_id, e.position.toString(), d.rule, d.severity, d.user_id ?? null, d.account_number ?? null, d.ip ?? null,
          countryOf(d.evidence), JSON.stringify(d.evidence ?? {}), d.raised_at, e.metadata.actor.role,
        ],
      );
    },
    /** The incidents about an erased user keep their rule, severity and times; the IP and personal evidence read as erased. */
    async UserErased(tx, e, schema) {
      // Their IPs leave the attack IP counts first (an IP left with no incident is no longer counted).
      await tx.query(
        `with gone as (
           select ip, count(*) as n from ${schema}.incidents where user_id = $1 and ip is not null and ${ATTACK} group by ip),
         left_over as (
           update ${schema}.incident_attack_ips a set n = a.n - gone.n from gone where a.ip = gone.ip returning a.n)
         insert into ${schema}.risk_counters (name, n) select 'attack_ips', -count(*) from left_over where n = 0
         on conflict (name) do update set n = ${schema}.risk_counters.n + excluded.n`,
        [e.stream_id.replace(/^user-/, '')],
      );
      await tx.query(
        `update ${schema}.incidents
            set ip = null,
                evidence = (select coalesce(jsonb_object_agg(k, case when k = any($2::text[]) then to_jsonb($3::text) else v end), '{}'::jsonb)
                              from jsonb_each(evidence) as t(k, v))
          where user_id = $1`,
        [e.stream_id.replace(/^user-/, ''), [...PERSONAL_EVIDENCE], ERASED],
      );
    },
    IncidentAcknowledged: (tx, e, schema) => transition(tx, schema, e, 'acknowledged'),
    IncidentResolved: (tx, e, schema) => transition(tx, schema, e, 'resolved'),
    async AuthAttemptRecorded(tx, e, schema) {
      const d = e.data;
      if (d.kind !== 'login' || (d.outcome !== 'failure' && d.outcome !== 'locked')) return;
      await tx.query(
        `insert into ${schema}.risk_counters (name, n) values ($1, 1) on conflict (name) do update set n = ${schema}.risk_counters.n + 1`,
        [`login_${d.outcome}`],
      );
    },
  }),
};
