/**
 * A small progress bar on stderr, so stdout stays clean for output that is
 * piped. On a terminal it redraws one line; otherwise it prints a plain line
 * at most every few seconds.
 */
export interface Progress {
  update(done: number, total?: number | null): void;
  done(summary?: string): void;
}

const WIDTH = 28;

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Progress {
  const started = now();
  const tty = stream.isTTY === true;
  let last = 0;
  let current = 0;
  let target: number | null = null;
  const line = () => {
    const elapsed = Math.max(now() - started, 1);
    const rate = Math.round((current * 1000) / elapsed);
    if (target && target > 0) {
      const ratio = Math.min(current / target, 1);
      const filled = Math.round(ratio * WIDTH);
      const eta = rate > 0 ? duration(((target - current) * 1000) / rate) : '?';
      return `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${(ratio * 100).toFixed(1)}% ${current}/${target} ${rate}/s ETA ${eta}`;
    }
    return `${label} ${current} ${rate}/s ${duration(elapsed)}`;
  };
  return {
    update(done, total) {
      current = done;
      if (total !== undefined) target = total;
      const t = now();
      if (tty && t - last >= 100) {
        stream.write(`\r${line()}\x1b[K`);
        last = t;
      } else if (!tty && t - last >= 5_000) {
        stream.write(`${line()}\n`);
        last = t;
      }
    },
    done(summary) {
      const text = summary ? `${label} ${summary}` : line();
      stream.write(tty ? `\r${text}\x1b[K\n` : `${text}\n`);
    },
  };
}
