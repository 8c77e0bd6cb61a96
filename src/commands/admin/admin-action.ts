import type { Json } from '../../domain/shared/event.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { raiseIncident } from '../risk/incident-aggregate.js';

export type AdminActionName = 'BLOCK_USER' | 'UNBLOCK_USER' | 'FREEZE_ACCOUNT' | 'UNFREEZE_ACCOUNT' | 'TERMINATE_SESSION';

export interface AdminAction {
  action: AdminActionName;
  target_type: 'User' | 'Account';
  target_id: string;
  /** The user the action is about (the account's owner for account actions). */
  user_id: string | null;
  account_number: string | null;
  reason: string;
  details: { [key: string]: Json };
}

/**
 * The audit record of a staff action: an `admin_action` incident (medium)
 * naming the actor and the IP the request came from. `seed` (the action's own
 * event id) makes a retried record land on the same incident.
 */
export async function recordAdminAction(repo: AggregateRepository, ctx: CommandContext, a: AdminAction, seed: string): Promise<{ incident_id: string; position: bigint }> {
  const incidentId = deterministicId('admin_action', seed);
  const raised = await raiseIncident(
    repo,
    ctx,
    incidentId,
    {
      rule: 'admin_action',
      severity: 'medium',
      user_id: a.user_id,
      account_number: a.account_number,
      ip: ctx.actor.ip,
      evidence: {
        action: a.action,
        target_type: a.target_type,
        target_id: a.target_id,
        performed_by: ctx.actor.user_id,
        performed_from: ctx.actor.ip,
        reason: a.reason,
        ...a.details,
      },
    },
    ctx.now,
  );
  return { incident_id: incidentId, position: raised.result?.position ?? 0n };
}
