import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { pino } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../../src/http/auth/principal.js';
import { NotificationFeed } from '../../src/http/live/notification-feed.js';
import { notificationsPage } from '../../src/projections/notifications/notification-queries.js';
import { notificationsProjection } from '../../src/projections/notifications/notifications-projection.js';
import { appendTo, projectionBench } from '../unit/cards/support/projection-bench.js';

const A = '100000000017'; // u1
const B = '200000000015'; // u2

interface Frame {
  type: string;
  position?: string;
  notification?: { id: string; message: string };
}

const principal = (user_id: string): Principal => ({ user_id, email: `${user_id}@example.com`, roles: ['customer'], is_staff: false, session_id: `s-${user_id}` });
const credited = (i: number, counterparty: string) => ({
  type: 'AccountCredited', data: { transfer_id: `t${i}`, kind: 'internal', amount: String(1000 + i), counterparty_account: counterparty, fx: null, balance_after: '0' },
});

/**
 * The live feed over a real PostgreSQL store and real sockets, while events
 * are written as fast as the store takes them: a live client and a client
 * resuming mid-stream each get exactly the read model's notifications of their
 * user, in position order, once.
 */
describe('live notification feed (one $all subscription, real sockets, PostgreSQL)', function () {
  this.timeout(120_000);
  let bench: Awaited<ReturnType<typeof projectionBench>>;
  let feed: NotificationFeed;
  let server: Server;
  let url: string;
  /** The principal, resume position and feed (the suite's unless given) the next connection is served with. */
  const next: { who: Principal; from: bigint | undefined; by?: NotificationFeed }[] = [];

  const connect = (who: Principal, from?: bigint, by?: NotificationFeed) =>
    new Promise<{ ws: WebSocket; frames: Frame[]; closed: Promise<number> }>((resolve, reject) => {
      next.push({ who, from, by });
      const ws = new WebSocket(url);
      const frames: Frame[] = [];
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Frame));
      ws.once('open', () => resolve({ ws, frames, closed }));
      ws.once('error', reject);
    });

  before(async () => {
    bench = await projectionBench(notificationsProjection);
    await bench.append(`account-${A}`, [{ type: 'AccountOpened', data: { account_number: A, owner_id: 'u1', currency: 'JOD', type: 'Basic' } }]);
    await bench.append(`account-${B}`, [{ type: 'AccountOpened', data: { account_number: B, owner_id: 'u2', currency: 'USD', type: 'Basic' } }]);
    feed = new NotificationFeed(bench.store, pino({ level: 'silent' }), 300n);
    await feed.start();
    server = createServer();
    const sockets = new WebSocketServer({ server });
    sockets.on('connection', (ws) => {
      const { who, from, by } = next.shift()!;
      void (by ?? feed).connect(ws, who, from, async () => true);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await feed?.stop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await bench?.close();
  });

  it('a live client and a client resuming mid-stream get exactly their user\'s notifications, in order, once', async () => {
    const live = await connect(principal('u1'));
    const other = await connect(principal('u2'));
    const written: bigint[] = [];
    let resumed: ReturnType<typeof connect> | undefined;
    let resumeFrom = 0n;
    // Eight writers at once; the resuming client connects while they write.
    await Promise.all(Array.from({ length: 8 }, async (_, w) => {
      for (let i = w; i < 400; i += 8) {
        written.push(await appendTo(bench.store, i % 3 === 0 ? `account-${B}` : `account-${A}`, [credited(i, i % 3 === 0 ? A : B)]));
        if (i === 150) {
          resumeFrom = written[Math.floor(written.length / 2)]!;
          resumed = connect(principal('u1'), resumeFrom);
        }
      }
    }));
    const resumer = await resumed!;
    bench.runtime.nudge();
    const newest = written.reduce((a, b) => (a > b ? a : b));
    expect(await bench.runtime.waitForPosition(newest, 15_000)).to.equal(true);
    const stored = async (user: string) => (await notificationsPage(bench.db, user, { unreadOnly: false, limit: 1000 })).reverse();
    const u1 = await stored('u1');
    const u2 = await stored('u2');
    expect(u1.length + u2.length).to.equal(400);
    const last = (rows: { position: string }[]) => rows[rows.length - 1]!.position;
    const deadline = Date.now() + 15_000;
    const notes = (frames: Frame[]) => frames.filter((f) => f.type === 'notification');
    const pending = () => [[live, u1], [resumer, u1], [other, u2]] as const;
    while (Date.now() < deadline && pending().some(([c, rows]) => notes(c.frames).at(-1)?.position !== last(rows))) await new Promise((r) => setTimeout(r, 50));
    const expected = (after: bigint) => u1.filter((r) => BigInt(r.position) > after).map((r) => [r.position, r.id, r.message]);
    const got = (frames: Frame[]) => notes(frames).map((f) => [f.position, f.notification!.id, f.notification!.message]);
    const hello = BigInt(live.frames[0]!.position!);
    expect(got(live.frames)).to.deep.equal(expected(hello));
    expect(got(resumer.frames)).to.deep.equal(expected(resumeFrom));
    expect(resumer.frames.some((f) => f.type === 'caught_up')).to.equal(true);
    expect(got(other.frames)).to.deep.equal(u2.filter((r) => BigInt(r.position) > BigInt(other.frames[0]!.position!)).map((r) => [r.position, r.id, r.message]));
    expect(got(resumer.frames).length).to.be.greaterThan(100);
    for (const c of [live, other, resumer]) c.ws.close();
  });

  it('follows the log only while a socket is connected, each first socket from the head', async () => {
    // The store with its subscriptions counted: open from subscribeAll until their iteration ends.
    let open = 0;
    const store = bench.store;
    const counted = new Proxy(store, {
      get(target, property) {
        if (property === 'subscribeAll') {
          return (options: Parameters<typeof store.subscribeAll>[0]) => {
            const inner = target.subscribeAll(options);
            open++;
            return {
              close: () => inner.close(),
              async *[Symbol.asyncIterator]() {
                try {
                  yield* inner;
                } finally {
                  open--;
                }
              },
            };
          };
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const idle = new NotificationFeed(counted, pino({ level: 'silent' }), 300n);
    await idle.start();
    const settle = async (want: number) => {
      for (const deadline = Date.now() + 5_000; open !== want && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
      return open;
    };
    const notes = (frames: Frame[]) => frames.filter((f) => f.type === 'notification').map((f) => f.position);
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(open, 'no socket yet').to.equal(0);
      const first = await connect(principal('u1'), undefined, idle);
      expect(await settle(1), 'following for the socket').to.equal(1);
      const seen = await bench.append(`account-${A}`, [credited(9001, B)]);
      for (const deadline = Date.now() + 5_000; !notes(first.frames).includes(seen.toString()) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
      expect(notes(first.frames)).to.deep.equal([seen.toString()]);
      first.ws.close();
      await first.closed;
      expect(await settle(0), 'the last socket gone').to.equal(0);
      const unseen = await bench.append(`account-${A}`, [credited(9002, B)]);
      const second = await connect(principal('u1'), undefined, idle);
      expect(await settle(1)).to.equal(1);
      expect(BigInt(second.frames[0]?.position ?? '0') >= unseen, 'the hello is at the head').to.equal(true);
      const later = await bench.append(`account-${A}`, [credited(9003, B)]);
      for (const deadline = Date.now() + 5_000; !notes(second.frames).includes(later.toString()) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
      expect(notes(second.frames), 'what was written while nobody listened is not live news').to.deep.equal([later.toString()]);
      second.ws.close();
      await second.closed;
      expect(await settle(0)).to.equal(0);
    } finally {
      await idle.stop();
    }
  });

  it('refuses (4409) a resume further back than its replay limit, before sending anything', async () => {
    const old = await connect(principal('u1'), 0n);
    expect(await old.closed).to.equal(4409);
    expect(old.frames).to.deep.equal([]);
  });
});
