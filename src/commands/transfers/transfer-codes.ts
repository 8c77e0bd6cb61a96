import type { TransferRequestedData } from '../../domain/transfers/events.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import { hashOtp, otpMatches } from './otp-code.js';

/** How long a code's hash outlives its transfer's expiry (a confirmation retried after a crash still matches). */
const GRACE_MS = 3_600_000;

/** What TransferRequested carried before codes moved to the credentials store. */
interface LegacyRequest {
  otp_hash?: unknown;
}

/**
 * The one-time codes of pending transfers: their argon2id hashes live in the
 * credentials store (kind `transfer_code`, keyed by transfer id), never in
 * the event, whose payload anyone with audit access reads; a hash over a
 * million codes would be the code.
 */
export class TransferCodes {
  constructor(private readonly credentials: CredentialStore) {}

  /** Keeps the code's hash until shortly after the transfer expires (expired ones are purged here). */
  async keep(transferId: string, code: string, expiresAt: string): Promise<void> {
    await this.credentials.purgeExpired('transfer_code');
    await this.credentials.put(transferId, 'transfer_code', '', await hashOtp(code), new Date(Date.parse(expiresAt) + GRACE_MS));
  }

  /** Whether `code` is the transfer's: against the stored hash, or the hash a legacy request event carried. */
  async matches(request: TransferRequestedData, code: string): Promise<boolean> {
    const legacy = (request as LegacyRequest).otp_hash;
    const hash = typeof legacy === 'string' ? legacy : (await this.credentials.get(request.transfer_id, 'transfer_code'))?.secret;
    return hash ? otpMatches(hash, code) : false;
  }
}
