import type { Evidence } from '../../domain/risk/events.js';
import type { BankRecordedEvent } from '../../eventstore/bank-events.js';
import type { Queryable } from '../../infra/db.js';
import { ERASED } from '../../privacy/sealed-value.js';
import { PERSONAL_EVIDENCE } from '../../privacy/personal-fields.js';
import { byEventType, type Projection } from '../runtime/projection.js';

/** The country an incident is about, when its evidence names one. */
function countryOf(evidence: Evidence): string | null {
  const c = evidence.new_country ?? evidence.country;
  return typeof c === 'string' && c !== '' ? c : null;
}

async function transition(tx: Queryable, schema: string, e: BankRecordedEvent<'IncidentAcknowledged' | 'IncidentResolved'>, status: 'acknowledged' | 'resolved'): Promise<void> {
  const d = e.data;
  const prefix = status === 'acknowledged' ? 'acknowledged' : 'resolved';
  await tx.query(
    `update ${schema}.incidents
        set status = $2, ${prefix}_by = $3, ${prefix}_note = $4, ${prefix}_at = $5, updated_at = $5, last_position = $6::bigint
      where incident_id = $1`,
    [e.stream_id.replace(/^incident-/, ''), status, d.by, d.note, d.at, e.position.toString()],
  );
}

/**
 * Incidents for the risk dashboards (`incidents`, newest position first) and
 * the sign-in counters the KPIs need (`risk_counters`: failed and locked logins).
 */
export const riskProjection: Projection = {
  name: 'risk',
  version: 2,
  tables: ['incidents', 'risk_counters'],
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
      create table ${schema}.risk_counters (
        name text primary key,
        n    bigint not null
      );`);
  },
  ...byEventType({
    async IncidentRaised(tx, e, schema) {
      const d = e.data;
      await tx.query(
        `insert into ${schema}.incidents
           (incident_id, position, rule, severity, status, user_id, account_number, ip, country, evidence, raised_at, raised_by, updated_at, last_position)
         values ($1, $2::bigint, $3, $4, 'open', $5, $6, $7, $8, $9::jsonb, $10, $11, $10, $2::bigint)
         on conflict (incident_id) do nothing`,
        [
          d.incident_id, e.position.toString(), d.rule, d.severity, d.user_id ?? null, d.account_number ?? null, d.ip ?? null,
          countryOf(d.evidence), JSON.stringify(d.evidence ?? {}), d.raised_at, e.metadata.actor.role,
        ],
      );
    },
    /** The incidents about an erased user keep their rule, severity and times; the IP and personal evidence read as erased. */
    async UserErased(tx, e, schema) {
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
