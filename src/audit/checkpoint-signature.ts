import { sign, verify, type KeyObject } from 'node:crypto';
import { checkpointMessage, type CheckpointStatement, type SignedCheckpoint } from '../domain/audit/chain-checkpoint.js';
import { CheckpointKeyError, type SigningKey } from '../infra/checkpoint-keys.js';

/** Signs the statement's canonical text (checkpointMessage) with Ed25519. */
export function signCheckpoint(statement: CheckpointStatement, key: SigningKey): SignedCheckpoint {
  if (statement.key_id !== key.keyId) throw new CheckpointKeyError('the statement names another key');
  const signature = sign(null, Buffer.from(checkpointMessage(statement), 'utf8'), key.privateKey).toString('base64');
  return { ...statement, signature, public_key: key.publicPem };
}

/** True when `signature` (base64) is the Ed25519 signature of the statement by `publicKey`. */
export function signatureValid(statement: CheckpointStatement, signature: string, publicKey: KeyObject): boolean {
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== signature) return false;
  return verify(null, Buffer.from(checkpointMessage(statement), 'utf8'), publicKey, bytes);
}
