import { randomUUID } from 'node:crypto';
import type { Actor } from '../../eventstore/port.js';

/** Who asks, and the causal thread the resulting events belong to. */
export interface CommandContext {
  actor: Actor;
  correlation_id: string;
  causation_id: string | null;
  now: Date;
}

export function systemContext(reason: string, causation_id: string | null = null): CommandContext {
  return {
    actor: { user_id: null, role: `system:${reason}`, ip: null },
    correlation_id: randomUUID(),
    causation_id,
    now: new Date(),
  };
}
