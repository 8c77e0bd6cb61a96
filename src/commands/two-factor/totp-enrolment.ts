import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { DomainError } from '../../domain/shared/domain-error.js';
import { twoFactorStream } from '../../domain/two-factor/decider.js';
import { invalidTotpCode, totpAlreadyEnabled, totpNotEnabled, totpNotPending } from '../../domain/two-factor/errors.js';
import type { TotpDisableProof } from '../../domain/users/events.js';
import type { UserState } from '../../domain/users/state.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import { currentPasswordHash, verifyPassword } from '../users/passwords.js';
import { replaceRecoveryCodes, takeRecoveryCode } from './recovery-codes.js';
import { newTotpSecret, openTotpSecret, totpStepOf, totpUri } from './totp-secrets.js';
import { loadTwoFactor, twoFactorAggregate } from './two-factor-aggregate.js';
import type { TwoFactorDeps } from './two-factor-deps.js';

export interface PendingEnrolment {
  status: 'pending';
  otpauth_url: string;
  /** The URI as a PNG QR code, a data: URL. */
  qr_code: string;
}

const stream = (user: UserState) => twoFactorStream(user.user_id);

/**
 * Starts (or restarts) an authenticator enrolment: a new secret, sealed into
 * the credentials store, that works for nothing until a first code confirms
 * it. Refused (409) while an app is enabled.
 */
export async function startTotpEnrolment(deps: TwoFactorDeps, user: UserState, context: CommandContext): Promise<PendingEnrolment> {
  if ((await loadTwoFactor(deps.repo, user.user_id)).totp === 'on') throw totpAlreadyEnabled();
  const credential_id = randomUUID();
  const secret = await newTotpSecret(deps.keyring, deps.credentials, user.user_id, credential_id);
  try {
    await deps.repo.execute(twoFactorAggregate, stream(user), { type: 'StartTotpEnrolment', credential_id }, context, idsFrom(credential_id));
  } catch (error) {
    await deps.credentials.remove(user.user_id, 'totp', credential_id);
    throw error;
  }
  await deps.credentials.removeOlder(user.user_id, 'totp', credential_id);
  const otpauth_url = totpUri(secret, user.email);
  return { status: 'pending', otpauth_url, qr_code: await QRCode.toDataURL(otpauth_url, { errorCorrectionLevel: 'M' }) };
}

/** Confirms the pending enrolment with a first code from the app; the recovery codes it answers are shown this once. */
export async function confirmTotp(deps: TwoFactorDeps, user: UserState, code: string, context: CommandContext): Promise<string[]> {
  const state = await loadTwoFactor(deps.repo, user.user_id);
  if (state.totp !== 'pending') throw totpNotPending();
  const secret = await openTotpSecret(deps.keyring, deps.credentials, user.user_id, state.totp_credential_id);
  const step = secret ? await totpStepOf(secret, code, state.last_time_step, context.now) : null;
  if (step === null) throw invalidTotpCode();
  const codes = await replaceRecoveryCodes(deps.credentials, user.user_id);
  await deps.repo.execute(
    twoFactorAggregate,
    stream(user),
    { type: 'EnableTotp', credential_id: state.totp_credential_id, recovery_codes: codes.length, time_step: step },
    context,
    idsFrom(randomUUID()),
  );
  return codes;
}

export interface DisableProof {
  password?: string | undefined;
  code?: string | undefined;
}

const wrongProof = () =>
  new DomainError('invalid_proof', 'The password or code is wrong.', 400, { errors: [{ field: 'body', message: 'Give the current password, or a code of the authenticator app (or a recovery code).' }] });

/** Turns the authenticator app off (or drops a pending enrolment), proved by the current password or a current code; its secret and recovery codes are deleted. */
export async function disableTotp(deps: TwoFactorDeps, user: UserState, proof: DisableProof, context: CommandContext): Promise<void> {
  const state = await loadTwoFactor(deps.repo, user.user_id);
  if (state.totp === 'off') throw totpNotEnabled();
  let kind: TotpDisableProof;
  if (proof.password !== undefined) {
    kind = 'password';
    if (!(await verifyPassword(await currentPasswordHash(deps.credentials, user), proof.password))) throw wrongProof();
  } else if (proof.code !== undefined) {
    kind = 'code';
    const secret = await openTotpSecret(deps.keyring, deps.credentials, user.user_id, state.totp_credential_id);
    const right = (secret !== undefined && (await totpStepOf(secret, proof.code, state.last_time_step, context.now)) !== null) || (state.totp === 'on' && (await takeRecoveryCode(deps.credentials, user.user_id, proof.code)));
    if (!right) throw wrongProof();
  } else {
    throw wrongProof();
  }
  await deps.repo.execute(twoFactorAggregate, stream(user), { type: 'DisableTotp', proof: kind }, context, idsFrom(randomUUID()));
  await deps.credentials.removeKind(user.user_id, 'totp');
  await deps.credentials.removeKind(user.user_id, 'recovery_code');
}
