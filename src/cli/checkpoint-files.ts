import { readFileSync, writeFileSync } from 'node:fs';
import type { CheckpointCheck } from '../audit/checkpoint-check.js';
import { readSignedCheckpoint } from '../audit/stored-checkpoints.js';
import type { SignedCheckpoint } from '../domain/audit/chain-checkpoint.js';
import { CheckpointKeyError, parsePublicKey, type CheckpointKey } from '../infra/checkpoint-keys.js';
import { CliError } from './command.js';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** An exported checkpoint (GET /audit/checkpoints/{id}, `checkpoint export`) from a file. */
export function readCheckpointFile(path: string): SignedCheckpoint {
  let json: unknown;
  try {
    json = JSON.parse(readText(path, 'checkpoint'));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${path} is not JSON`);
  }
  const read = readSignedCheckpoint(json);
  if ('errors' in read) throw new CliError(`${path} is not a signed checkpoint: ${read.errors.join('; ')}`);
  return read.checkpoint;
}

/** A pinned public key (PEM) from a file. */
export function readPublicKeyFile(path: string): CheckpointKey {
  try {
    return parsePublicKey(readText(path, 'public key'));
  } catch (error) {
    if (error instanceof CheckpointKeyError) throw new CliError(`${path} is ${error.message}`);
    throw error;
  }
}

/** `text` to the file at `path` (public material only), or to stdout. */
export function writeOutput(path: string | undefined, text: string): void {
  if (path === undefined) console.log(text);
  else writeFileSync(path, `${text}\n`);
}

const KEY_NOTE = {
  trusted: 'trusted key',
  embedded: 'the key in the file: compare its id with the one you keep, or pass --public-key',
} as const;

/** The lines verify prints about a checkpoint. */
export function describeCheck(c: Pick<CheckpointCheck, 'id' | 'key_id' | 'key_source' | 'signature_valid' | 'ok' | 'problems'> & Partial<Pick<CheckpointCheck, 'position' | 'found'>>): string[] {
  const name = c.id === null ? 'checkpoint from file' : `checkpoint ${c.id}`;
  const where = c.position === undefined ? '' : ` at position ${c.position}`;
  const key = `key ${c.key_id}${c.key_source ? ` (${KEY_NOTE[c.key_source]})` : ''}`;
  const outcome = c.ok
    ? `OK: signature valid${c.found ? `, Merkle root of ${c.found.stream_count} stream heads matches` : ''}`
    : 'FAILED';
  return [`CHECKPOINT ${name}${where}, ${key}: ${outcome}`, ...c.problems.map((p) => `  ${p.code}: ${p.detail}`)];
}
