import type { SecondFactor } from '../sessions/events.js';
import type { TotpDisableProof } from '../users/events.js';

export type TwoFactorCommand =
  | { type: 'StartTotpEnrolment'; credential_id: string }
  | { type: 'EnableTotp'; credential_id: string; recovery_codes: number; time_step: number }
  | { type: 'DisableTotp'; proof: TotpDisableProof }
  /** The password was right: a new challenge, answered by the app when one is enrolled, else by a mailed code. */
  | { type: 'IssueChallenge'; challenge_id: string; expires_at: Date }
  /** A code was presented for the challenge the caller loaded; the command layer checked it (`matches`) against the store or the app's secret. */
  | { type: 'AnswerChallenge'; challenge_id: string; matches: boolean; factor: SecondFactor; time_step: number | null; session_id: string };
