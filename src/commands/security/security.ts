import type { Config } from '../../config/config.js';
import type { AppendResult, EventStore } from '../../eventstore/port.js';
import { createCountryLookup, type CountryLookup } from '../../infra/geoip.js';
import type { Logger } from '../../infra/logger.js';
import type { CommandContext } from '../shared/command-context.js';
import { recordAuthAttempt, type AttemptInput } from './attempt-recorder.js';
import { HitRecorder } from './hit-recorder.js';
import type { LockoutPolicies } from './lockouts.js';

/** What the security middleware and the auth commands share: policies, the attempt recorder and the hit counter. */
export interface Security {
  settings: Config['security'];
  lockoutPolicies: LockoutPolicies;
  geo: CountryLookup;
  hits: HitRecorder;
  recordAttempt(context: CommandContext, input: AttemptInput): Promise<AppendResult>;
  stop(): Promise<void>;
}

export function createSecurity(config: Pick<Config, 'security' | 'emailHashKey'>, store: EventStore, logger: Logger, geo?: CountryLookup): Security {
  const s = config.security;
  const cool_off_ms = s.lockoutCoolOffSeconds * 1000;
  const lookup =
    geo ??
    createCountryLookup({
      ipinfoToken: s.ipinfoToken,
      dataDir: s.geoipDataDir,
      onUnavailable: (error) => logger.warn({ err: error }, 'country tables unreadable (GEOIP_DATA_DIR): login countries stay unknown'),
    });
  const hits = new HitRecorder(store, logger, s.securityHitsFlushSeconds * 1000);
  hits.start();
  return {
    settings: s,
    lockoutPolicies: {
      ip: { failure_limit: s.lockoutIpFailureLimit, cool_off_ms },
      pair: { failure_limit: s.lockoutPairFailureLimit, cool_off_ms },
    },
    geo: lookup,
    hits,
    recordAttempt: (context, input) => recordAuthAttempt(store, lookup, config.emailHashKey, context, input),
    stop: () => hits.stop(),
  };
}
