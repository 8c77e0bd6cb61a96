import { allProjections } from '../../projections/registry.js';
import { rebuildAll, type RebuildOutcome } from '../../projections/runtime/rebuild.js';
import { EXIT, UsageError, type CliCommand } from '../command.js';
import { withInfrastructure } from '../infrastructure.js';
import { progressBar } from '../progress.js';

function describe(outcome: RebuildOutcome): string {
  if (!outcome.ok) return `${outcome.name}: FAILED (${outcome.error.message}); its live tables are unchanged`;
  const { check, progress } = outcome;
  const verdict = !check.compared
    ? 'no live build of this version to compare with'
    : check.differing.length === 0
      ? 'equal to the live build'
      : `DIFFERED from the live build in ${check.differing.join(', ')}`;
  return `${outcome.name}: up to position ${progress.position}, ${verdict}, swapped in`;
}

export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  summary: 'Rebuild projections from position 0 into fresh tables in one read of the log, check them against the live ones and swap them in (safe while the service runs)',
  usage: 'rebuild --projection NAME | --all',
  options: {
    projection: { type: 'string', value: 'NAME', description: 'the projection to rebuild' },
    all: { type: 'boolean', description: 'rebuild every projection (one read of the log feeds them all)' },
  },
  async run(args) {
    const projections = allProjections();
    const names = projections.map((p) => p.name);
    const wanted = args.flags.all === true ? names : typeof args.flags.projection === 'string' ? [args.flags.projection] : [];
    if (wanted.length === 0) throw new UsageError(`give --projection NAME or --all (projections: ${names.join(', ')})`);
    for (const name of wanted) if (!names.includes(name)) throw new UsageError(`unknown projection ${name} (projections: ${names.join(', ')})`);
    const chosen = projections.filter((p) => wanted.includes(p.name));
    const outcomes = await withInfrastructure(async ({ infra }) => {
      const bar = progressBar(`rebuild ${wanted.length === 1 ? wanted[0] : `${wanted.length} projections`}`);
      // The bar follows the build furthest behind.
      const at = new Map<string, number>();
      const started = performance.now();
      const outcomes = await rebuildAll(infra.opened, infra.db, chosen, {
        batchSize: 5_000,
        verify: true,
        onProgress: (name, p) => {
          at.set(name, Number(p.position));
          if (at.size === chosen.length) bar.update(Math.min(...at.values()), Number(p.target));
        },
      });
      const seconds = (performance.now() - started) / 1000;
      const events = Math.max(...outcomes.map((o) => o.progress.events));
      bar.done(`${events} events read once for ${chosen.length} projection(s) in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 0.001))} events/s)`);
      return outcomes;
    });
    for (const outcome of outcomes) console.log(describe(outcome));
    // A failure, or a live build that was not what the log gives, is a problem to look into.
    return outcomes.every((o) => o.ok && o.check.differing.length === 0) ? EXIT.ok : EXIT.failed;
  },
};
