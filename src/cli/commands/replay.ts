import type { RecordedEvent } from '../../eventstore/port.js';
import { viewEvents } from '../../privacy/event-view.js';
import { CliError, UsageError, type CliCommand } from '../command.js';
import { withInfrastructure } from '../infrastructure.js';
import { progressBar } from '../progress.js';

const BATCH = 5_000;

const line = (e: RecordedEvent) =>
  JSON.stringify({ ...e, revision: e.revision.toString(), position: e.position.toString(), recorded_at: e.recorded_at.toISOString() });

function bigintFlag(value: string | true | undefined, name: string, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer`);
  return BigInt(value);
}

/** Writes one line and waits when stdout is full, so a pipe into a slow reader does not grow memory. */
function write(text: string): Promise<void> | undefined {
  if (process.stdout.write(`${text}\n`)) return undefined;
  return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'Print events (envelope, metadata, hashes) as JSON lines, redacted as the audit views are: one stream, or $all between positions',
  usage: 'replay [--stream STREAM_ID [--from-revision N]] | [--from-position P] [--to-position Q]',
  options: {
    stream: { type: 'string', value: 'STREAM_ID', description: 'one stream (default: $all)' },
    'from-revision': { type: 'string', value: 'N', description: 'with --stream: start after this revision' },
    'from-position': { type: 'string', value: 'P', description: '$all: start after this position' },
    'to-position': { type: 'string', value: 'Q', description: '$all: stop at this position (default: the head)' },
  },
  async run(args) {
    const stream = typeof args.flags.stream === 'string' ? args.flags.stream : undefined;
    const count = await withInfrastructure(async ({ infra }) => {
      let n = 0;
      if (stream) {
        let from = bigintFlag(args.flags['from-revision'], 'from-revision', 0n);
        const bar = progressBar(`replay ${stream}`);
        for (;;) {
          const page = await infra.store.readStream(stream, { from, max: BATCH });
          for (const e of await viewEvents(infra.personal, page)) await write(line(e));
          n += page.length;
          bar.update(n);
          if (page.length < BATCH) break;
          from = page[page.length - 1]!.revision + 1n;
        }
        bar.done(`${n} events`);
        return n;
      }
      let position = bigintFlag(args.flags['from-position'], 'from-position', 0n);
      const start = position;
      const head = await infra.store.headPosition();
      const to = bigintFlag(args.flags['to-position'], 'to-position', head);
      const bar = progressBar('replay $all');
      while (position < to) {
        const batch = await infra.store.readAll({ fromPosition: position, max: BATCH });
        if (batch.length === 0) break;
        for (const e of await viewEvents(infra.personal, batch)) {
          if (e.position > to) break;
          await write(line(e));
          n++;
          position = e.position;
        }
        bar.update(Number(position - start), Number(to - start));
        if (batch[batch.length - 1]!.position > to) break;
      }
      bar.done(`${n} events up to position ${position}`);
      return n;
    });
    if (stream && count === 0) throw new CliError(`stream ${stream} has no events`);
    return 0;
  },
};
