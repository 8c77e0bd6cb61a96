import { verifyAllStreams, verifyStream } from '../../commands/audit/verify-chains.js';
import type { CliCommand } from '../command.js';
import { withInfrastructure } from '../infrastructure.js';
import { progressBar } from '../progress.js';

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Verify the hash chains of every stream (walking $all) or of one; exit code 1 when any break is found',
  usage: 'verify [--stream STREAM_ID] [--json]',
  async run(args) {
    const stream = typeof args.flags.stream === 'string' ? args.flags.stream : undefined;
    const report = await withInfrastructure(async ({ infra }) => {
      const bar = progressBar(stream ? `verify ${stream}` : 'verify $all');
      const onProgress = (p: { at: bigint; target: bigint | null; events: number }) =>
        bar.update(stream ? p.events : Number(p.at), p.target === null ? null : Number(p.target));
      const r = stream ? await verifyStream(infra.store, stream, { onProgress }) : await verifyAllStreams(infra.store, { onProgress });
      bar.done(`${r.events_checked} events in ${r.streams_checked} streams checked`);
      return r;
    });
    if (args.flags.json === true) {
      console.log(JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
    } else {
      for (const b of report.breaks) console.log(`BREAK ${b.kind} ${b.stream_id}@${b.revision} (${b.event_id}): ${b.detail}`);
      if (report.breaks_truncated) console.log(`... ${report.break_count - report.breaks.length} more breaks not listed`);
      console.log(report.ok
        ? `OK: ${report.events_checked} events in ${report.streams_checked} streams, chains intact (head ${report.head_position})`
        : `FAILED: ${report.break_count} breaks in ${report.events_checked} events (head ${report.head_position})`);
    }
    return report.ok ? 0 : 1;
  },
};
