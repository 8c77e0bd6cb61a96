import type { Decider } from '../shared/event.js';
import type { TwoFactorCommand } from './commands.js';
import { answerChallenge, issueChallenge } from './decide/login-challenge.js';
import { disableTotp, enableTotp, startTotpEnrolment } from './decide/totp-enrolment.js';
import { evolveTwoFactor, initialTwoFactorState, type TwoFactorEvent, type TwoFactorState } from './state.js';

/** The two-factor aggregate: one decide function per command, in decide/. */
export function decideTwoFactor(command: TwoFactorCommand, state: TwoFactorState): TwoFactorEvent[] {
  switch (command.type) {
    case 'StartTotpEnrolment':
      return startTotpEnrolment(command, state);
    case 'EnableTotp':
      return enableTotp(command, state);
    case 'DisableTotp':
      return disableTotp(command, state);
    case 'IssueChallenge':
      return issueChallenge(command, state);
    case 'AnswerChallenge':
      return answerChallenge(command, state);
  }
}

export const twoFactorDecider: Decider<TwoFactorCommand, TwoFactorState, TwoFactorEvent> = {
  initialState: initialTwoFactorState,
  evolve: evolveTwoFactor,
  decide: decideTwoFactor,
};

export const twoFactorStream = (userId: string): string => `two-factor-${userId}`;
