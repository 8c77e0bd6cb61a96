import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';
import { scrub, scrubText } from './log-scrubber.js';

export type { Logger };

/**
 * JSON logs. Request headers that carry credentials are removed by path, and
 * every logged object and message goes through the scrubber, which masks
 * anything secret-looking at any depth (src/infra/log-scrubber.ts).
 */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'nexus', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
