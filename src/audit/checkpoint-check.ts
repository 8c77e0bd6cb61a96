import { CHECKPOINT_FORMAT, type SignedCheckpoint } from '../domain/audit/chain-checkpoint.js';
import { CheckpointKeyError, parsePublicKey, type CheckpointKey } from '../infra/checkpoint-keys.js';
import type { HeadsRoot } from '../eventstore/merkle.js';
import { signatureValid } from './checkpoint-signature.js';

export type CheckpointProblemCode =
  | 'unknown_key'
  | 'key_mismatch'
  | 'bad_signature'
  | 'merkle_root_mismatch'
  | 'stream_count_mismatch'
  | 'log_ends_before_checkpoint';

export interface CheckpointProblem {
  code: CheckpointProblemCode;
  detail: string;
}

/** Which key checked the signature: one trusted here (configured or given), or the one the file carries. */
export type KeySource = 'trusted' | 'embedded';

export interface CheckpointCheck {
  /** The stored checkpoint's id (its revision in chain-checkpoints), or null for one from a file. */
  id: string | null;
  position: bigint;
  key_id: string;
  key_source: KeySource | null;
  signature_valid: boolean;
  signed: HeadsRoot;
  /** The log's root at the checkpoint's position now. */
  found: HeadsRoot;
  ok: boolean;
  problems: CheckpointProblem[];
}

/** A checkpoint to hold the log against, and which keys may have signed it. */
export interface CheckpointToCheck {
  id: string | null;
  checkpoint: SignedCheckpoint;
  trusted: readonly CheckpointKey[];
  /**
   * Accept the public key the checkpoint carries when none of `trusted` signed
   * it: right for a copy the auditor kept (the file is as trustworthy as its
   * key), never for one read from the database.
   */
  allowEmbedded: boolean;
}

function keyFor(c: CheckpointToCheck, problems: CheckpointProblem[]): { key: CheckpointKey; source: KeySource } | null {
  const trusted = c.trusted.find((k) => k.keyId === c.checkpoint.key_id);
  if (trusted) return { key: trusted, source: 'trusted' };
  if (!c.allowEmbedded) {
    const known = c.trusted.length === 0 ? 'no key is trusted here (CHECKPOINT_TRUSTED_KEYS, the signing key, --public-key)' : `trusted: ${c.trusted.map((k) => k.keyId).join(', ')}`;
    problems.push({ code: 'unknown_key', detail: `signed by key ${c.checkpoint.key_id}, which is not trusted; ${known}` });
    return null;
  }
  try {
    const embedded = parsePublicKey(c.checkpoint.public_key);
    if (embedded.keyId === c.checkpoint.key_id) return { key: embedded, source: 'embedded' };
    problems.push({ code: 'key_mismatch', detail: `the public key it carries is ${embedded.keyId}, not key_id ${c.checkpoint.key_id}` });
  } catch (error) {
    if (!(error instanceof CheckpointKeyError)) throw error;
    problems.push({ code: 'key_mismatch', detail: `the public key it carries is ${error.message}` });
  }
  return null;
}

/** The signature half of a check: no log needed, so it also serves offline checks of an exported file. */
export function checkSignature(c: CheckpointToCheck): Pick<CheckpointCheck, 'key_source' | 'signature_valid' | 'problems'> {
  const problems: CheckpointProblem[] = [];
  const found = keyFor(c, problems);
  const valid = found !== null && c.checkpoint.format === CHECKPOINT_FORMAT && signatureValid(c.checkpoint, c.checkpoint.signature, found.key.publicKey);
  if (found && !valid) problems.push({ code: 'bad_signature', detail: `the signature does not match the checkpoint's contents under key ${found.key.keyId}` });
  return { key_source: found?.source ?? null, signature_valid: valid, problems };
}

/** Holds the log's root at the checkpoint's position (and the head the walk reached) against what was signed. */
export function checkCheckpoint(c: CheckpointToCheck, found: HeadsRoot, head: bigint): CheckpointCheck {
  const signature = checkSignature(c);
  const problems = [...signature.problems];
  const position = BigInt(c.checkpoint.position);
  const signed = { merkle_root: c.checkpoint.merkle_root, stream_count: c.checkpoint.stream_count };
  if (head < position) {
    problems.push({ code: 'log_ends_before_checkpoint', detail: `the log ends at position ${head}, before the checkpoint's ${position}` });
  }
  if (found.stream_count !== signed.stream_count) {
    problems.push({ code: 'stream_count_mismatch', detail: `${found.stream_count} streams at position ${position}, ${signed.stream_count} signed` });
  }
  if (found.merkle_root !== signed.merkle_root) {
    problems.push({ code: 'merkle_root_mismatch', detail: `the stream heads at position ${position} are not the ones signed: some stream was changed, removed, added or rewritten at or before it` });
  }
  return {
    id: c.id,
    position,
    key_id: c.checkpoint.key_id,
    key_source: signature.key_source,
    signature_valid: signature.signature_valid,
    signed,
    found,
    ok: problems.length === 0,
    problems,
  };
}
