import { EventStoreDBClient } from '@eventstore/db-client';
import type { EventStore } from '../port.js';
import type { EsdbClient } from './client.js';
import { EventStoreDbStore, type EventStoreDbOptions } from './event-store-db.js';

/**
 * KurrentDB documents `kurrentdb://` (and `kdb://`, `kurrent://`) URLs; the v6
 * client only parses `esdb://`. Same syntax otherwise.
 */
export function normalizeConnectionString(url: string): string {
  const match = /^(kurrentdb|kurrent|kdb)(\+discover)?:\/\//i.exec(url.trim());
  if (!match) return url.trim();
  return `esdb${match[2] ?? ''}://${url.trim().slice(match[0].length)}`;
}

/** The URL with any password masked, for error messages. */
export function redactConnectionString(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

export class InvalidEventStoreUrlError extends Error {
  override readonly name = 'InvalidEventStoreUrlError';
  constructor(url: string, reason: string) {
    super(
      `invalid EventStoreDB/KurrentDB connection string "${redactConnectionString(url)}": ${reason} ` +
        `(expected e.g. esdb://admin:changeit@localhost:2113?tls=false)`,
    );
  }
}

/** Builds the client (no connection is made until the first call). */
export function createEsdbClient(url: string): EsdbClient {
  if (typeof url !== 'string' || url.trim().length === 0) {
    throw new InvalidEventStoreUrlError(String(url ?? ''), 'empty');
  }
  try {
    return EventStoreDBClient.connectionString(normalizeConnectionString(url));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    throw new InvalidEventStoreUrlError(url, reason);
  }
}

/** Opens the EventStoreDB/KurrentDB adapter of the event store port. */
export async function openEventStoreDb(url: string, options: EventStoreDbOptions = {}): Promise<EventStore> {
  return new EventStoreDbStore(createEsdbClient(url), options);
}
