import type { CheckpointToCheck } from '../../audit/checkpoint-check.js';
import { storedToCheck } from '../../audit/stored-checkpoints.js';
import { verifyAllStreams, verifyStream } from '../../audit/verify-chains.js';
import { loadCheckpointConfig } from '../../config/checkpoint-config.js';
import { describeCheck, readCheckpointFile, readPublicKeyFile } from '../checkpoint-files.js';
import { CliError, UsageError, type CliCommand } from '../command.js';
import { cliConfig, withInfrastructure } from '../infrastructure.js';
import { progressBar } from '../progress.js';

const flag = (args: { flags: Record<string, string | true> }, name: string) => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined);

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Verify the hash chains of every stream (walking $all) or of one, and the log against a signed checkpoint (a kept file, or the latest stored); exit code 1 when anything fails',
  usage: 'verify [--stream STREAM_ID] [--checkpoint FILE [--public-key PEM_FILE]] [--json]',
  options: {
    stream: { type: 'string', value: 'STREAM_ID', description: 'verify one stream only' },
    checkpoint: { type: 'string', value: 'FILE', description: 'check the log against this exported checkpoint (default: the latest stored)' },
    'public-key': { type: 'string', value: 'PEM_FILE', description: 'with --checkpoint: the only key to trust' },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  async run(args) {
    const stream = flag(args, 'stream');
    const file = flag(args, 'checkpoint');
    const pinned = flag(args, 'public-key');
    if (stream && file) throw new UsageError('--checkpoint covers every stream: leave out --stream');
    if (pinned && !file) throw new UsageError('--public-key goes with --checkpoint FILE');
    const fromFile = file ? readCheckpointFile(file) : undefined;
    const pinnedKey = pinned ? readPublicKeyFile(pinned) : undefined;
    const report = await withInfrastructure(async ({ config, infra }) => {
      const trusted = pinnedKey ? [pinnedKey] : cliConfig(() => loadCheckpointConfig(config, process.env, { sign: false })).trustedKeys;
      let checkpoint: CheckpointToCheck | null = null;
      if (fromFile) checkpoint = { id: null, checkpoint: fromFile, trusted, allowEmbedded: !pinnedKey };
      else if (!stream) checkpoint = await storedToCheck(infra.store, trusted);
      const bar = progressBar(stream ? `verify ${stream}` : 'verify $all');
      const onProgress = (p: { at: bigint; target: bigint | null; events: number }) =>
        bar.update(stream ? p.events : Number(p.at), p.target === null ? null : Number(p.target));
      const r = stream
        ? await verifyStream(infra.store, stream, { onProgress })
        : await verifyAllStreams(infra.store, { onProgress, checkpoint: checkpoint ?? undefined });
      bar.done(`${r.events_checked} events in ${r.streams_checked} streams checked`);
      return r;
    });
    if (args.flags.json === true) {
      console.log(JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
    } else {
      for (const b of report.breaks) console.log(`BREAK ${b.kind} ${b.stream_id}@${b.revision} (${b.event_id}): ${b.detail}`);
      if (report.breaks_truncated) console.log(`... ${report.break_count - report.breaks.length} more breaks not listed`);
      if (report.checkpoint) for (const line of describeCheck(report.checkpoint)) console.log(line);
      else if (!stream) console.log('no signed checkpoint checked (none stored, or no key trusted here)');
      console.log(report.ok
        ? `OK: ${report.events_checked} events in ${report.streams_checked} streams, chains intact (head ${report.head_position})`
        : `FAILED: ${report.break_count} breaks in ${report.events_checked} events${report.checkpoint && !report.checkpoint.ok ? ', checkpoint does not hold' : ''} (head ${report.head_position})`);
    }
    return report.ok ? 0 : 1;
  },
};
