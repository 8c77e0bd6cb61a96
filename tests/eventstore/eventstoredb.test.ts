import { describeEventStoreContract } from './contract.js';

const url = process.env.EVENTSTORE_URL;

if (url) {
  describeEventStoreContract(`EventStoreDB at ${url}`, async () => {
    // Loaded only when asked for: the adapter is being written alongside.
    const { openEventStoreDb } = await import('../../src/eventstore/eventstoredb/open.js');
    const store = await openEventStoreDb(url);
    return { store, tamper: undefined, cleanup: () => store.close() };
  });
} else {
  console.log('EventStoreDB adapter contract: skipped, EVENTSTORE_URL is not set (no KurrentDB/EventStoreDB server to run against)');
  describe('EventStoreDB adapter', () => {
    it.skip('event store contract skipped: set EVENTSTORE_URL to run against a real KurrentDB');
  });
}
