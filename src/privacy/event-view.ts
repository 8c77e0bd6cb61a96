import type { EventData, JsonValue, RecordedEvent } from '../eventstore/port.js';
import { mapFields, valueAt, type PersonalData } from './personal-data.js';
import { ERASED, isSealed } from './sealed-value.js';

/**
 * Fields that held credential material in events written before credentials
 * moved to the credentials store (UserRegistered/PasswordChanged.password_hash,
 * TransferRequested.otp_hash), and names such material would have: removed
 * from every view at any depth, never shown, not even masked.
 */
const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set(['password_hash', 'otp_hash', 'password', 'otp', 'code_hash', 'nonce', 'secret', 'totp_secret', 'recovery_codes']);

function withoutCredentials(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutCredentials);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) if (!CREDENTIAL_FIELDS.has(k)) out[k] = withoutCredentials(v);
  return out;
}

const clear = (v: JsonValue | undefined) => typeof v === 'string' && v !== '' && v !== ERASED && !isSealed(v);

/**
 * The one redaction every view of stored events goes through (the audit
 * endpoints, `cli replay`): personal fields opened (ERASED once their key is
 * destroyed; the keys are read fresh, so another process's erasure shows at
 * once), the clear personal fields of legacy events hidden once their user is
 * erased, credential material removed. The stored events, and so the hash
 * chain that `verify` checks, are untouched: this is only a view.
 */
export async function viewEvents(personal: PersonalData, events: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
  const opened = await personal.open(events, { metadata: true, fresh: true });
  const legacy = new Set<string>();
  for (const e of opened) {
    const at = personal.fieldsOf(e);
    if (!at) continue;
    if (at.paths.some((p) => clear(valueAt(e.data, p)))) legacy.add(at.subject);
    if (at.ipSubject && clear(e.metadata.actor.ip)) legacy.add(at.ipSubject);
  }
  const erased = await personal.keyring.erased(legacy);
  return opened.map((e) => {
    let data = e.data;
    let metadata = e.metadata;
    const at = erased.size > 0 ? personal.fieldsOf(e) : null;
    if (at && erased.has(at.subject)) data = mapFields(data, at.paths, (v) => (clear(v) ? ERASED : undefined));
    if (at?.ipSubject && erased.has(at.ipSubject) && clear(metadata.actor.ip)) metadata = { ...metadata, actor: { ...metadata.actor, ip: ERASED } };
    return { ...e, data: withoutCredentials(data) as EventData, metadata };
  });
}
