import express, { type Router } from 'express';
import { checkpointExport, readSignedCheckpoint, storedCheckpoint, storedCheckpoints, storedToCheck } from '../../audit/stored-checkpoints.js';
import { verifyAllStreams } from '../../audit/verify-chains.js';
import type { AppDeps } from '../deps.js';
import { pageOf, pageResult } from '../pagination.js';
import { HttpProblem, notFoundProblem } from '../problem.js';
import { requireAuditor } from './audit.js';
import { publicKeyView } from './audit-checkpoint-views.js';
import { verifyView } from './audit-views.js';

const checkpointId = (raw: string): bigint | 'latest' => (raw === 'latest' ? 'latest' : BigInt(raw));

/**
 * Signed checkpoints of the hash chains: list, read and export them, sign one
 * now, publish the keys that check them, and verify the log against one.
 */
export function auditCheckpointRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const { checkpoints } = deps;

  router.get('/audit/checkpoints', requireAuditor, async (req, res) => {
    const page = pageOf(req, 20);
    const rows = await storedCheckpoints(deps.store, page.limit + 1, page.before);
    res.json(pageResult(rows, page, (c) => c.id, checkpointExport));
  });

  router.post('/audit/checkpoints', requireAuditor, async (_req, res) => {
    if (!checkpoints.signer) throw new HttpProblem(503, 'checkpoints_unavailable', 'This process signs no checkpoints (CHECKPOINTS_ENABLED, CHECKPOINT_SIGNING_KEY_FILE).');
    res.status(201).json(checkpointExport(await checkpoints.signer.sign()));
  });

  router.get('/audit/checkpoints/public-key', requireAuditor, (_req, res) => {
    res.json({
      signing_key: checkpoints.signer ? publicKeyView(checkpoints.signer.key) : null,
      trusted_keys: checkpoints.trustedKeys.map(publicKeyView),
    });
  });

  router.get('/audit/checkpoints/:checkpoint_id', requireAuditor, async (req, res) => {
    const found = await storedCheckpoint(deps.store, checkpointId(String(req.params.checkpoint_id)));
    if (!found) throw notFoundProblem('Checkpoint not found.');
    res.json(checkpointExport(found));
  });

  // The log against a checkpoint the caller kept: its own key counts when none trusted here signed it (the report says which).
  router.post('/audit/verify', requireAuditor, async (req, res) => {
    const read = readSignedCheckpoint(req.body);
    if ('errors' in read) throw new HttpProblem(400, 'validation_error', read.errors.join('; '));
    const report = await verifyAllStreams(deps.store, {
      checkpoint: { id: null, checkpoint: read.checkpoint, trusted: checkpoints.trustedKeys, allowEmbedded: true },
    });
    res.json(verifyView(report));
  });

  return router;
}

/** `?checkpoint=` of GET /audit/verify: the stored checkpoint to hold the log against (the latest by default). */
export async function requestedCheckpoint(deps: AppDeps, raw: string | undefined) {
  const check = await storedToCheck(deps.store, deps.checkpoints.trustedKeys, raw === undefined ? 'latest' : checkpointId(raw));
  if (!check && raw !== undefined && raw !== 'latest') throw notFoundProblem('Checkpoint not found.');
  return check ?? undefined;
}
