import { performance } from 'node:perf_hooks';
import { SampleBuffer, summarize, type LatencySummary } from './stats.js';

/** One operation of a worker; the runner times each call. */
export type Operation = () => Promise<void>;

export interface ClosedLoopOptions {
  /** Concurrent workers, each issuing its next operation as soon as the last one ends. */
  workers: number;
  /** Measured time, after the warm-up. */
  durationMs: number;
  /** Operations run but not counted before the measured window. Default 1000. */
  warmupMs?: number;
  /**
   * Builds worker i's operation. Called once per worker before the clock starts,
   * so per-worker state (a stream and its revision) lives in the closure.
   */
  makeWorker: (index: number) => Operation | Promise<Operation>;
  /** Errors tolerated before the run is aborted with the first one. Default 0. */
  maxErrors?: number;
  /** Called when the measured window opens and closes (e.g. CPU snapshots); awaited before the result. */
  onWindowStart?: () => unknown;
  onWindowEnd?: () => unknown;
}

export interface ClosedLoopResult {
  workers: number;
  /** Operations that completed (successfully) inside the measured window. */
  ops: number;
  errors: number;
  /** Length of the measured window in seconds (from its start to the last counted completion). */
  seconds: number;
  opsPerSec: number;
  /** Milliseconds, of the operations counted in `ops`. */
  latency: LatencySummary;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A closed-loop load: N workers, each with one operation in flight, for a fixed
 * time. Operations that end inside [warm-up end, warm-up end + duration] are
 * counted; those in flight when the window closes are awaited but not counted.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const warmupMs = options.warmupMs ?? 1000;
  const maxErrors = options.maxErrors ?? 0;
  const ops: Operation[] = [];
  for (let i = 0; i < options.workers; i++) ops.push(await options.makeWorker(i));

  const samples = new SampleBuffer();
  let errors = 0;
  let firstError: unknown;
  let stop = false;
  const start = performance.now();
  const windowStart = start + warmupMs;
  const windowEnd = windowStart + options.durationMs;

  const worker = async (op: Operation): Promise<void> => {
    while (!stop) {
      const t0 = performance.now();
      try {
        await op();
      } catch (error) {
        errors++;
        firstError ??= error;
        if (errors > maxErrors) {
          stop = true;
          return;
        }
        continue;
      }
      const t1 = performance.now();
      if (t1 > windowEnd) {
        stop = true;
        return;
      }
      if (t1 >= windowStart) samples.push(t1 - t0);
    }
  };

  const running = ops.map((op) => worker(op));
  let startHook: Promise<unknown> = Promise.resolve();
  let endHook: Promise<unknown> = Promise.resolve();
  const timer = sleep(warmupMs)
    .then(() => {
      startHook = Promise.resolve(options.onWindowStart?.());
      return sleep(windowEnd - performance.now());
    })
    .then(() => {
      stop = true;
      endHook = Promise.resolve(options.onWindowEnd?.());
    });
  await Promise.all(running);
  await timer;
  await startHook;
  await endHook;
  if (errors > maxErrors) throw firstError;

  const seconds = options.durationMs / 1000;
  return {
    workers: options.workers,
    ops: samples.length,
    errors,
    seconds,
    opsPerSec: samples.length / seconds,
    latency: summarize(samples.values()),
  };
}
