import { expect } from 'chai';
import { pino } from 'pino';
import { FollowerLoop } from '../../../src/infra/follower-loop.js';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a loop whose steps never fill a batch while it is nudged every 2 ms; returns the step start times. */
async function nudgedFor(ms: number, minGapMs: number): Promise<number[]> {
  const starts: number[] = [];
  const loop = new FollowerLoop('test', logger, 1_000, async () => {
    starts.push(Date.now());
    return false;
  }, () => undefined, minGapMs);
  loop.start();
  const timer = setInterval(() => loop.nudge(), 2);
  await sleep(ms);
  clearInterval(timer);
  await loop.stop();
  return starts;
}

describe('follower loop', () => {
  it('runs a step per nudge without a gap, and at most one per gap with one', async () => {
    const free = await nudgedFor(300, 0);
    const paced = await nudgedFor(300, 60);
    expect(free.length).to.be.greaterThan(15);
    expect(paced.length).to.be.within(2, 6);
    for (let i = 1; i < paced.length; i++) expect(paced[i]! - paced[i - 1]!, `gap ${i}`).to.be.at.least(55);
  });

  it('wakes at once on a nudge when the last step is older than the gap', async () => {
    const starts: number[] = [];
    const loop = new FollowerLoop('test', logger, 10_000, async () => {
      starts.push(Date.now());
      return false;
    }, () => undefined, 50);
    loop.start();
    await sleep(120);
    const nudgedAt = Date.now();
    loop.nudge();
    await sleep(20);
    await loop.stop();
    expect(starts).to.have.length(2);
    // Not the 10 s idle sleep, nor another gap.
    expect(starts[1]! - nudgedAt).to.be.below(500);
  });

  it('runs again at once while steps fill their batch, gap or not', async () => {
    let steps = 0;
    const loop = new FollowerLoop('test', logger, 10_000, async () => ++steps < 20, () => undefined, 1_000);
    loop.start();
    await sleep(100);
    await loop.stop();
    expect(steps).to.be.at.least(20);
  });
});
