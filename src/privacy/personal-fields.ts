import type { EventData, EventMetadata } from '../eventstore/port.js';

/**
 * Which fields of which events are personal data, and whose key seals them.
 * A user's own events and the sign-in attempts and incidents about them use
 * the user's key, so erasing the user shreds them all. An attempt on an email
 * that belongs to nobody (and an incident about no user, such as credential
 * stuffing over many emails) is sealed under the key of its calendar month
 * (`anon-YYYY-MM`), which an operator destroys when the retention period ends
 * (`npm run cli -- erase-anonymous --before YYYY-MM`): such an email may be a
 * typo of a real person's, but it is linked to no user that could ask for it.
 * Coarse facts stay clear: countries of logins, rules, counts, amounts.
 */
interface Rule {
  subject(stream: string, data: EventData, metadata: EventMetadata): string | null;
  /** Top-level fields, or `parent.child` for a field of an object field. */
  fields: readonly string[];
}

const userOfStream = (stream: string) => (stream.startsWith('user-') ? stream.slice('user-'.length) : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The month bucket of personal data linked to no user. */
export const anonymousSubject = (occurredAt: string): string => `anon-${/^\d{4}-\d{2}/.exec(occurredAt)?.[0] ?? 'undated'}`;
export const isAnonymousSubject = (subject: string): boolean => subject.startsWith('anon-');

const userOrAnonymous = (_stream: string, data: EventData, metadata: EventMetadata) => text(data.user_id) ?? anonymousSubject(metadata.occurred_at);

/** Keys of an incident's evidence that hold personal data. */
export const PERSONAL_EVIDENCE: readonly string[] = ['email', 'emails', 'user_email', 'user_agent', 'performed_from'];

const RULES: Record<string, Rule> = {
  UserRegistered: { subject: (stream, data) => text(data.user_id) ?? userOfStream(stream), fields: ['email', 'first_name', 'last_name', 'country'] },
  ProfileUpdated: { subject: (stream) => userOfStream(stream), fields: ['first_name', 'last_name', 'country'] },
  EmailChanged: { subject: (stream) => userOfStream(stream), fields: ['email'] },
  AuthAttemptRecorded: { subject: userOrAnonymous, fields: ['email', 'ip', 'user_agent'] },
  IncidentRaised: { subject: userOrAnonymous, fields: ['ip', ...PERSONAL_EVIDENCE.map((k) => `evidence.${k}`)] },
};

/** Event types that may hold sealed fields (readers skip every other type). */
export const PERSONAL_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(RULES));

export interface PersonalFields {
  subject: string;
  /** Each field as its path: ['email'], ['evidence', 'email']. */
  paths: string[][];
}

/** The event's personal fields and their subject; null when it has none. */
export function personalFieldsOf(type: string, stream: string, data: EventData, metadata: EventMetadata): PersonalFields | null {
  const rule = RULES[type];
  const subject = rule?.subject(stream, data, metadata);
  if (!rule || !subject) return null;
  return { subject, paths: rule.fields.map((f) => f.split('.')) };
}

/**
 * Whose key seals the IP in the event's metadata: the acting user's, else the
 * subject of the event's own personal fields (a registration, a sign-in), else
 * the month bucket.
 */
export function actorIpSubject(type: string, stream: string, data: EventData, metadata: EventMetadata): string {
  return metadata.actor.user_id ?? personalFieldsOf(type, stream, data, metadata)?.subject ?? anonymousSubject(metadata.occurred_at);
}
