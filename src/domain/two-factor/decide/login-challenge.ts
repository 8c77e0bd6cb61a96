import type { DecisionContext } from '../../shared/decider.js';
import type { TwoFactorCommand } from '../commands.js';
import { invalidLoginCode } from '../errors.js';
import { MAX_CODE_ATTEMPTS, type TwoFactorEvent, type TwoFactorState } from '../state.js';

/** A new challenge (superseding any older one), answered by the app when one is on, else by a mailed code. */
export function issueChallenge(command: Extract<TwoFactorCommand, { type: 'IssueChallenge' }>, state: TwoFactorState, ctx: DecisionContext): TwoFactorEvent[] {
  return [{
    type: 'LoginChallengeIssued',
    data: { challenge_id: command.challenge_id, method: state.totp === 'on' ? 'totp' : 'email', expires_at: command.expires_at.toISOString(), issued_at: ctx.now.toISOString() },
  }];
}

/**
 * A code for the open challenge: the right one completes it (naming the new
 * session); a wrong one is counted, and the third voids the challenge. A
 * closed, expired or superseded challenge, and an authenticator step already
 * used, are refused without events.
 */
export function answerChallenge(command: Extract<TwoFactorCommand, { type: 'AnswerChallenge' }>, state: TwoFactorState, ctx: DecisionContext): TwoFactorEvent[] {
  const c = state.challenge;
  const at = ctx.now.toISOString();
  // The code was checked against the challenge the caller loaded: a newer one is not answered by it.
  if (!c || c.challenge_id !== command.challenge_id || c.status !== 'open' || Date.parse(c.expires_at) <= ctx.now.getTime()) throw invalidLoginCode();
  if (command.matches && command.time_step !== null && command.time_step <= state.last_time_step) throw invalidLoginCode();
  if (command.matches) {
    return [{ type: 'LoginChallengeCompleted', data: { challenge_id: c.challenge_id, session_id: command.session_id, factor: command.factor, time_step: command.time_step, completed_at: at } }];
  }
  const attempts = c.attempts + 1;
  const rejected: TwoFactorEvent = { type: 'LoginCodeRejected', data: { challenge_id: c.challenge_id, attempts, rejected_at: at } };
  return attempts < MAX_CODE_ATTEMPTS
    ? [rejected]
    : [rejected, { type: 'LoginChallengeVoided', data: { challenge_id: c.challenge_id, reason: 'too_many_attempts', voided_at: at } }];
}
