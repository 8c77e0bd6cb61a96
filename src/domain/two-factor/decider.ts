import { dispatch } from '../shared/decider.js';
import type { Decider } from '../shared/event.js';
import type { TwoFactorCommand } from './commands.js';
import { answerChallenge, issueChallenge } from './decide/login-challenge.js';
import { disableTotp, enableTotp, startTotpEnrolment } from './decide/totp-enrolment.js';
import { evolveTwoFactor, initialTwoFactorState, type TwoFactorEvent, type TwoFactorState } from './state.js';

/** The two-factor aggregate: one decide function per command, in decide/. */
export const decideTwoFactor = dispatch<TwoFactorCommand, TwoFactorState, TwoFactorEvent>({
  StartTotpEnrolment: startTotpEnrolment,
  EnableTotp: enableTotp,
  DisableTotp: disableTotp,
  IssueChallenge: issueChallenge,
  AnswerChallenge: answerChallenge,
});

export const twoFactorDecider: Decider<TwoFactorCommand, TwoFactorState, TwoFactorEvent> = {
  initialState: initialTwoFactorState,
  evolve: evolveTwoFactor,
  decide: decideTwoFactor,
};

export const twoFactorStream = (userId: string): string => `two-factor-${userId}`;
