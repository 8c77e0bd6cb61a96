import type { Finding, RiskFact } from './facts.js';
import { assessAuthAttempt, rememberAuthAttempt } from './login-rules.js';
import { pruneMemory, type RiskMemory } from './memory.js';
import { assessSecurityHit } from './security-hit-rules.js';
import type { RiskThresholds } from './thresholds.js';
import { assessTransfer, rememberTransfer } from './transfer-rules.js';

/**
 * Runs every rule for one fact against the memory as it was, then records the
 * fact. The same facts in the same order always give the same findings.
 */
export function assess(fact: RiskFact, memory: RiskMemory, t: RiskThresholds): Finding[] {
  switch (fact.kind) {
    case 'auth_attempt': {
      const findings = assessAuthAttempt(fact, memory, t);
      rememberAuthAttempt(fact, memory, findings);
      return findings;
    }
    case 'transfer': {
      const findings = assessTransfer(fact, memory, t);
      rememberTransfer(fact, memory, findings);
      return findings;
    }
    case 'security_hit':
      return assessSecurityHit(fact);
  }
}

export { pruneMemory };
