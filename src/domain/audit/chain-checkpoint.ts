import canonicalize from 'canonicalize';
import type { DomainEvent } from '../shared/event.js';

/** Where signed checkpoints are appended, one event each. */
export const CHAIN_CHECKPOINTS_STREAM = 'chain-checkpoints';

/** Names the statement's layout and meaning; part of what is signed. */
export const CHECKPOINT_FORMAT = 'nexus-bank.chain-checkpoint.v1';

/**
 * What a checkpoint asserts: at global `position`, the log held `stream_count`
 * streams whose heads (stream id, last revision, hash) have this Merkle root
 * (src/eventstore/merkle.ts), signed by the Ed25519 key `key_id` at `signed_at`.
 */
export type CheckpointStatement = {
  format: typeof CHECKPOINT_FORMAT;
  /** Decimal digits (a bigint). */
  position: string;
  stream_count: number;
  /** 64 lowercase hex digits. */
  merkle_root: string;
  /** SHA-256 of the public key's DER SubjectPublicKeyInfo, 64 lowercase hex digits. */
  key_id: string;
  /** ISO 8601 instant, UTC. */
  signed_at: string;
};

/** A statement with its signature and the public key that checks it (public material only). */
export type SignedCheckpoint = CheckpointStatement & {
  /** Ed25519 signature of `checkpointMessage(statement)`, base64. */
  signature: string;
  /** The signing key's public half, PEM (SPKI). */
  public_key: string;
};

export type ChainCheckpointEvent = DomainEvent<'ChainCheckpointSigned', SignedCheckpoint>;

/** The statement's own members, whatever else the object carries. */
export function statementOf(c: CheckpointStatement): CheckpointStatement {
  return {
    format: c.format,
    position: c.position,
    stream_count: c.stream_count,
    merkle_root: c.merkle_root,
    key_id: c.key_id,
    signed_at: c.signed_at,
  };
}

/**
 * The exact text that is signed: the canonical JSON (RFC 8785) of the six
 * statement members, in UTF-8. `jq -jcS '{format,position,stream_count,merkle_root,key_id,signed_at}'`
 * prints the same bytes.
 */
export function checkpointMessage(c: CheckpointStatement): string {
  const text = canonicalize(statementOf(c));
  if (text === undefined) throw new TypeError('checkpoint statement is not canonicalizable');
  return text;
}
