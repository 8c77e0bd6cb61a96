import { allProjections } from '../../projections/registry.js';
import { rebuildProjection } from '../../projections/runtime/rebuild.js';
import { CliError, UsageError, type CliCommand } from '../command.js';
import { withInfrastructure } from '../infrastructure.js';
import { progressBar } from '../progress.js';

export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  summary: 'Rebuild projections from position 0 into fresh tables and swap them in (safe while the service runs)',
  usage: 'rebuild --projection NAME | --all',
  options: {
    projection: { type: 'string', value: 'NAME', description: 'the projection to rebuild' },
    all: { type: 'boolean', description: 'rebuild every projection' },
  },
  async run(args) {
    const projections = allProjections();
    const names = projections.map((p) => p.name);
    const wanted = args.flags.all === true ? names : typeof args.flags.projection === 'string' ? [args.flags.projection] : [];
    if (wanted.length === 0) throw new UsageError(`give --projection NAME or --all (projections: ${names.join(', ')})`);
    for (const name of wanted) if (!names.includes(name)) throw new UsageError(`unknown projection ${name} (projections: ${names.join(', ')})`);
    await withInfrastructure(async ({ infra }) => {
      for (const projection of projections.filter((p) => wanted.includes(p.name))) {
        const bar = progressBar(`rebuild ${projection.name}`);
        const started = performance.now();
        const result = await rebuildProjection(infra.opened, infra.db, projection, {
          batchSize: 5_000,
          onProgress: (p) => bar.update(Number(p.position), Number(p.target)),
        });
        const seconds = (performance.now() - started) / 1000;
        bar.done(`${result.events} events replayed up to position ${result.position} in ${seconds.toFixed(1)} s (${Math.round(result.events / Math.max(seconds, 0.001))} events/s), swapped in`);
      }
    });
    return 0;
  },
};
