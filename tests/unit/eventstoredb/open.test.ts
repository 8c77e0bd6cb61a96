import { expect } from 'chai';
import {
  InvalidEventStoreUrlError,
  normalizeConnectionString,
  openEventStoreDb,
  redactConnectionString,
} from '../../../src/eventstore/eventstoredb/open.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

// No server runs here: these only exercise parsing; the client connects lazily.
describe('openEventStoreDb', () => {
  it('rejects a URL with the wrong scheme with a clear error', async () => {
    const error = await rejection(openEventStoreDb('http://localhost:2113'));
    expect(error).to.be.instanceOf(InvalidEventStoreUrlError);
    expect(error.message).to.match(/invalid EventStoreDB\/KurrentDB connection string "http:\/\/localhost:2113"/);
    expect(error.message).to.match(/esdb:\/\//);
  });

  it('rejects an empty URL and a bad option value', async () => {
    expect(await rejection(openEventStoreDb(''))).to.be.instanceOf(InvalidEventStoreUrlError);
    const bad = await rejection(openEventStoreDb('esdb://localhost:2113?tls=maybe'));
    expect(bad).to.be.instanceOf(InvalidEventStoreUrlError);
    expect(bad.message).to.match(/maybe/);
  });

  it('does not echo the password in the error', async () => {
    const error = await rejection(openEventStoreDb('esdb://admin:s3cret@localhost:2113?tls=sometimes'));
    expect(error.message).to.not.include('s3cret');
    expect(error.message).to.include('admin:***@localhost');
  });

  it('opens a store for a valid URL without connecting, and closes it', async () => {
    const store = await openEventStoreDb('esdb://admin:changeit@localhost:2113?tls=false');
    expect(store.kind).to.equal('eventstoredb');
    await store.close();
  });

  it('accepts KurrentDB schemes', async () => {
    expect(normalizeConnectionString('kurrentdb://localhost:2113?tls=false')).to.equal('esdb://localhost:2113?tls=false');
    expect(normalizeConnectionString('kurrentdb+discover://a,b?tls=false')).to.equal('esdb+discover://a,b?tls=false');
    expect(normalizeConnectionString('kdb://h:1')).to.equal('esdb://h:1');
    expect(normalizeConnectionString('esdb://h:1')).to.equal('esdb://h:1');
    const store = await openEventStoreDb('kurrentdb://localhost:2113?tls=false');
    expect(store.kind).to.equal('eventstoredb');
    await store.close();
  });

  it('redacts only the password', () => {
    expect(redactConnectionString('esdb://u:p@h:1?tls=false')).to.equal('esdb://u:***@h:1?tls=false');
    expect(redactConnectionString('esdb://h:1?tls=false')).to.equal('esdb://h:1?tls=false');
  });
});
