import type { EventData, EventMetadata, JsonValue, NewEvent, RecordedEvent } from '../eventstore/port.js';
import type { Keyring } from './keyring.js';
import { actorIpSubject, PERSONAL_EVENT_TYPES, personalFieldsOf } from './personal-fields.js';
import { ERASED, isSealed, openValue, sealedSubject, sealValue } from './sealed-value.js';

type Obj = { [key: string]: JsonValue };

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The value at a one- or two-step path, or undefined. */
function valueAt(data: EventData, path: string[]): JsonValue | undefined {
  let v: JsonValue | undefined = data;
  for (const step of path) v = isObject(v) ? v[step] : undefined;
  return v;
}

/** A copy of `data` with `path` set to `value` (parents copied, siblings shared). */
function withValue(data: EventData, path: string[], value: JsonValue): EventData {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...data, [head]: value };
  const child = data[head];
  return isObject(child) ? { ...data, [head]: withValue(child, rest, value) } : data;
}

/** `data` with each field at `paths` replaced by what `change` makes of it (undefined: left as it is). */
function mapFields(data: EventData, paths: string[][], change: (value: JsonValue | undefined) => JsonValue | undefined): EventData {
  let out = data;
  for (const path of paths) {
    const next = change(valueAt(out, path));
    if (next !== undefined) out = withValue(out, path, next);
  }
  return out;
}

/** A sealed value of `subject` opened with its key; ERASED without one, or when it belongs to another subject. */
function opened(value: string, subject: string, keys: ReadonlyMap<string, Buffer>): JsonValue {
  const key = sealedSubject(value) === subject ? keys.get(subject) : undefined;
  if (!key) return ERASED;
  try {
    return openValue(key, value);
  } catch {
    return ERASED;
  }
}

interface Located {
  subject: string;
  paths: string[][];
  ipSubject: string | null;
}

/** Where an event's personal fields are (data fields and the actor's IP), or null when it has none. */
function locate(type: string, stream: string, data: EventData, metadata: EventMetadata): Located | null {
  const fields = personalFieldsOf(type, stream, data, metadata);
  const ip = metadata?.actor?.ip;
  const ipSubject = typeof ip === 'string' && ip !== '' ? actorIpSubject(type, stream, data, metadata) : null;
  if (!fields && !ipSubject) return null;
  return { subject: fields?.subject ?? '', paths: fields?.paths ?? [], ipSubject };
}

/**
 * Seals and opens the personal fields of events (src/privacy/personal-fields.ts
 * says which) with the subjects' data keys (src/privacy/keyring.ts).
 */
export class PersonalData {
  constructor(readonly keyring: Keyring) {}

  /** The events as they are to be stored: every non-empty personal field sealed (ERASED for an erased subject). */
  async seal(stream: string, events: readonly NewEvent[]): Promise<NewEvent[]> {
    const located = events.map((e) => locate(e.type, stream, e.data, e.metadata));
    const keys = new Map<string, Buffer | null>();
    for (const l of located) {
      for (const s of l ? [l.subject, l.ipSubject] : []) if (s && !keys.has(s)) keys.set(s, await this.keyring.keyFor(s));
    }
    const seal = (subject: string, value: JsonValue) => {
      const key = keys.get(subject);
      return key ? sealValue(key, subject, value) : ERASED;
    };
    return events.map((e, i) => {
      const l = located[i];
      if (!l) return e;
      // Always sealed, even when it looks sealed already: a client cannot plant someone else's ciphertext.
      const data = mapFields(e.data, l.paths, (value) => (value === undefined || value === null || value === '' ? undefined : seal(l.subject, value)));
      const metadata = l.ipSubject ? { ...e.metadata, actor: { ...e.metadata.actor, ip: seal(l.ipSubject, e.metadata.actor.ip) } } : e.metadata;
      return { ...e, data, metadata };
    });
  }

  /**
   * The events with their personal data fields opened, for projections and
   * aggregates (ERASED where the key is gone). The actor's IP in the metadata
   * stays sealed unless `metadata` is set (views). `fresh` reads keys past
   * the memory, so an erasure by another process shows at once.
   */
  async open(events: readonly RecordedEvent[], options: { metadata?: boolean; fresh?: boolean } = {}): Promise<RecordedEvent[]> {
    const located = events.map((e) =>
      PERSONAL_EVENT_TYPES.has(e.type) || (options.metadata && isSealed(e.metadata?.actor?.ip)) ? locate(e.type, e.stream_id, e.data, e.metadata) : null,
    );
    const subjects = new Set<string>();
    located.forEach((l, i) => {
      if (!l) return;
      const e = events[i]!;
      if (l.paths.some((p) => isSealed(valueAt(e.data, p)))) subjects.add(l.subject);
      if (options.metadata && l.ipSubject && isSealed(e.metadata.actor.ip)) subjects.add(l.ipSubject);
    });
    this.forgetErased(events);
    if (subjects.size === 0) return events as RecordedEvent[];
    const keys = await this.keyring.keys(subjects, { fresh: options.fresh ?? false });
    return events.map((e, i) => {
      const l = located[i];
      if (!l) return e;
      const data = mapFields(e.data, l.paths, (value) => (isSealed(value) ? opened(value, l.subject, keys) : undefined));
      const ip = e.metadata.actor?.ip;
      const metadata = options.metadata && l.ipSubject && isSealed(ip) ? { ...e.metadata, actor: { ...e.metadata.actor, ip: opened(ip, l.ipSubject, keys) as string } } : e.metadata;
      return data === e.data && metadata === e.metadata ? e : { ...e, data, metadata };
    });
  }

  /** The subject and personal field paths of an event (for views that hide legacy clear fields of erased users). */
  fieldsOf(e: RecordedEvent): Located | null {
    return locate(e.type, e.stream_id, e.data, e.metadata);
  }

  /** A UserErased read here means its key must not be used from memory any more. */
  private forgetErased(events: readonly RecordedEvent[]): void {
    for (const e of events) if (e.type === 'UserErased' && e.stream_id.startsWith('user-')) this.keyring.forget(e.stream_id.slice('user-'.length));
  }
}

export { mapFields, valueAt };
