/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof) as text: the functions with
 * the most self time, and the most inclusive time, with their share of the
 * profile's samples (idle and GC shown apart).
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top=40]
 *
 * To profile the service under the transfers bench:
 *   SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:transfers
 * (the service writes its profile when it stops at the end of the bench).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const TOP = Number(topArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const label = (f: CallFrame) => {
  const where = f.url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/').replace(/^node:/, 'node:');
  return `${f.functionName || '(anonymous)'} ${where ? `${where}:${f.lineNumber + 1}` : ''}`.trim();
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const key = label(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + us);
  // Inclusive: once per distinct function on the sample's stack.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const k = label(byId.get(at)!.callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}

const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const busy = totalUs - (self.get('(idle)') ?? 0);
console.log(`${file}\nsampled ${ms(totalUs)}, busy ${ms(busy)} (${pct(busy)}), GC ${ms(self.get('(garbage collector)') ?? 0)}\n`);

/** Where the busy time goes, by package or layer. */
const area = (key: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(key);
  if (m) return m[1]!;
  const d = /dist\/src\/([^/]+)/.exec(key);
  if (d) return `src/${d[1]}`;
  if (key.includes('node:')) return 'node core';
  return key.startsWith('(') ? key.split(' ')[0]! : 'other';
};
const areas = new Map<string, number>();
for (const [k, us] of self) areas.set(area(k), (areas.get(area(k)) ?? 0) + us);
console.log('self time by area:');
for (const [k, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(us)} ${ms(us)}  ${k}`);

console.log(`\ntop ${TOP} by self time:`);
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${pct(us)} ${ms(us)}  ${k}`);
console.log(`\ntop ${TOP} by inclusive time:`);
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${pct(us)} ${ms(us)}  ${k}`);
