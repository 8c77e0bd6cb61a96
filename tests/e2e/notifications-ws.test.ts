import { expect } from 'chai';
import { decodeJwt, SignJWT } from 'jose';
import { WebSocket } from 'ws';
import { expectConforms } from '../helpers/contract.js';
import { startCluster, type Cluster } from '../helpers/processes.js';
import { E2E_KEYS, startService, writtenHead, type RunningService } from '../helpers/service.js';
import { createStaff, login, registerUser, type TestUser, type Tokens } from '../helpers/users.js';

interface Frame {
  type: string;
  position?: string;
  groups?: string[];
  notification?: Record<string, unknown> & { id: string; notification_type: string; message: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A real WebSocket client that keeps every frame it receives. */
class Client {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      for (const w of this.waiters) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of this.waiters) w();
    }));
  }

  get notifications(): Frame[] {
    return this.frames.filter((f) => f.type === 'notification');
  }

  /** Resolves once `done` holds of the frames (rejects after `ms`). */
  async until(done: (frames: Frame[]) => boolean, ms = 15_000, what = 'frames'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done(this.frames)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
      this.waiters = [];
    }
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/** The refusal of a handshake (status, headers, problem body), or the open client. */
type Handshake = { client: Client } | { status: number; headers: Record<string, string>; body: unknown };

function socketUrl(svc: RunningService, query: Record<string, string>): string {
  return `${svc.baseUrl.replace(/^http/, 'ws')}/ws/notifications/?${new URLSearchParams(query)}`;
}

function handshake(url: string, headers: Record<string, string> = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const client = new Client(ws);
    ws.once('open', () => resolve({ client }));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
        body: text ? JSON.parse(text) : undefined,
      }));
    });
    ws.once('error', (e) => reject(e));
  });
}

/** Connects and waits for the hello frame (and `caught_up` when resuming). */
async function connect(svc: RunningService, token: string, from?: string): Promise<Client> {
  const result = await handshake(socketUrl(svc, { token, ...(from !== undefined ? { from_position: from } : {}) }));
  if (!('client' in result)) throw new Error(`handshake refused: ${result.status} ${JSON.stringify(result.body)}`);
  await result.client.until((f) => f.some((x) => x.type === (from !== undefined ? 'caught_up' : 'connection_established')), 15_000, 'hello');
  return result.client;
}

const positions = (frames: Frame[]) => frames.map((f) => BigInt(f.position!));

describe('live notifications over a WebSocket (real clients, real service)', function () {
  this.timeout(300_000);
  let svc: RunningService;
  let alice: TestUser & Tokens;
  let bob: TestUser & Tokens;
  let staff: TestUser & Tokens;
  let aliceAccount: string;
  let bobAccount: string;

  const deposit = async (account: string, amount = '1.000') => {
    const res = await svc.api.post(`/admin/accounts/${account}/deposit/`, { amount }, { token: staff.access });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.position as string;
  };
  const openAccount = async (token: string) => {
    const res = await svc.api.post('/accounts/', {}, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.account_number as string;
  };
  /** The caller's notifications the read model holds (its newest 100), oldest first, as the REST API shows them. */
  const listed = async (token: string) => {
    const head = await writtenHead(svc);
    const res = await svc.api.get(`/notifications/?limit=100&min_position=${head}`, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return (res.body.results as Frame['notification'][]).filter((n) => n !== undefined).reverse();
  };
  const user = async (email: string) => ({ ...(await registerUser(svc, email)), ...(await login(svc, email)) });

  before(async () => {
    svc = await startService();
    [alice, bob] = [await user('alice-ws@example.com'), await user('bob-ws@example.com')];
    staff = await createStaff(svc, 'staff-ws@example.com');
    aliceAccount = await openAccount(alice.access);
    bobAccount = await openAccount(bob.access);
  });
  after(async () => {
    await svc?.stop();
  });

  it('refuses a missing, bad, expired or revoked token at the handshake with 401 (documented), and a plain GET with 426', async () => {
    const secret = new TextEncoder().encode(E2E_KEYS.JWT_SECRET);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ ...decodeJwt(alice.access), iat: now - 7200, exp: now - 3600 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
    const revoked = await login(svc, alice.email);
    expect((await svc.api.post('/auth/logout/', {}, { token: revoked.access })).status).to.equal(200);
    const cases: [string, string, Record<string, string>, string][] = [
      ['no token', socketUrl(svc, {}), {}, 'not_authenticated'],
      ['garbage', socketUrl(svc, { token: 'not.a.jwt' }), {}, 'token_not_valid'],
      ['expired', socketUrl(svc, { token: expired }), {}, 'token_not_valid'],
      ['refresh token', socketUrl(svc, { token: alice.refresh }), {}, 'token_not_valid'],
      ['revoked session (logged out)', socketUrl(svc, { token: revoked.access }), {}, 'token_not_valid'],
      ['revoked, in the header', socketUrl(svc, {}), { Authorization: `Bearer ${revoked.access}` }, 'token_not_valid'],
    ];
    for (const [what, url, headers, code] of cases) {
      const answer = await handshake(url, headers);
      expect('client' in answer, what).to.equal(false);
      if ('client' in answer) continue;
      expect(answer.status, what).to.equal(401);
      expect((answer.body as { code: string }).code, what).to.equal(code);
      expect(answer.headers['www-authenticate'], what).to.match(/^Bearer realm="api"/);
      // The token never comes back (the problem's instance names the path without it).
      const token = new URL(url).searchParams.get('token');
      if (token) expect(JSON.stringify(answer.body), what).to.not.include(token);
      expectConforms('GET', '/ws/notifications', answer);
    }
    const badPosition = await handshake(socketUrl(svc, { token: alice.access, from_position: '-1' }));
    expect('status' in badPosition && badPosition.status).to.equal(400);
    if ('status' in badPosition) expectConforms('GET', '/ws/notifications', badPosition);
    const plain = await svc.api.get('/ws/notifications/', { token: alice.access });
    expect(plain.status).to.equal(426);
    expect(plain.headers.get('upgrade')).to.equal('websocket');
    expectConforms('GET', '/ws/notifications', plain);
  });

  it('pushes each notification the moment its event is written, identical to what GET /notifications then lists', async () => {
    const client = await connect(svc, alice.access);
    const hello = client.frames[0]!;
    expect(hello).to.include({ type: 'connection_established' });
    expect(hello.groups).to.deep.equal([`user_${alice.id}`]);
    await deposit(aliceAccount, '12.500');
    await client.until((f) => f.some((x) => x.type === 'notification'));
    const [frame] = client.notifications;
    expect(BigInt(frame!.position!) > BigInt(hello.position!)).to.equal(true);
    expect(frame!.notification).to.include({ notification_type: 'TRANSACTION', message: `Deposit of 12.500 JOD to account ${aliceAccount}.`, is_read: false });
    const stored = await listed(alice.access);
    expect(stored.find((n) => n!.id === frame!.notification!.id)).to.deep.equal(frame!.notification);
    const metrics = await (await fetch(`${svc.baseUrl}/metrics`)).text();
    expect(metrics).to.match(/^live_notification_sockets 1$/m);
    expect(metrics).to.match(/^live_notification_frames_total\{source="live"\} 1$/m);
    const pong = client.frames.length;
    client.ws.send(JSON.stringify({ type: 'ping' }));
    await client.until((f) => f.length > pong);
    expect(client.frames[pong]).to.deep.equal({ type: 'pong' });
    client.ws.send('not json');
    expect((await client.closed).code).to.equal(1008);
  });

  it('staff also receive ADMIN_ALERT frames (frozen account, blocked user); the customer only their own', async () => {
    const carol = await user('carol-ws@example.com');
    const carolAccount = await openAccount(carol.access);
    const [staffSocket, aliceSocket, bobSocket, carolSocket] = await Promise.all([connect(svc, staff.access), connect(svc, alice.access), connect(svc, bob.access), connect(svc, carol.access)]);
    expect(staffSocket.frames[0]!.groups).to.deep.equal([`user_${staff.id}`, 'admin_alerts']);
    const frozen = await svc.api.post(`/admin/accounts/${aliceAccount}/freeze/`, { reason: 'e2e' }, { token: staff.access });
    expect(frozen.status).to.equal(200);
    await aliceSocket.until((f) => f.some((x) => x.notification?.notification_type === 'SECURITY'));
    await staffSocket.until((f) => f.some((x) => x.notification?.notification_type === 'ADMIN_ALERT'));
    expect(staffSocket.notifications.map((f) => f.notification!.message)).to.deep.equal([`Account ${aliceAccount} was frozen.`]);
    // The same event, one notification per recipient: the ids differ, the position is the event's.
    expect(staffSocket.notifications[0]!.position).to.equal(aliceSocket.notifications[0]!.position);
    expect(staffSocket.notifications[0]!.notification!.id).to.not.equal(aliceSocket.notifications[0]!.notification!.id);
    const blocked = await svc.api.post(`/admin/users/${carol.id}/block/`, { reason: 'e2e' }, { token: staff.access });
    expect(blocked.status, JSON.stringify(blocked.body)).to.equal(200);
    await staffSocket.until((f) => f.filter((x) => x.notification?.notification_type === 'ADMIN_ALERT').length === 2);
    expect(staffSocket.notifications[1]!.notification!.message).to.equal(`User ${carol.id} was blocked.`);
    // Blocking closes the user's sockets.
    const closed = await carolSocket.closed;
    expect(closed.code).to.equal(4001);
    expect(closed.reason).to.equal('user_blocked');
    await deposit(bobAccount);
    await bobSocket.until((f) => f.some((x) => x.type === 'notification'));
    // Staff alerts are in the read model too, for every staff user.
    const stored = await listed(staff.access);
    expect(stored.filter((n) => n!.notification_type === 'ADMIN_ALERT').map((n) => n!.id)).to.deep.equal(staffSocket.notifications.map((f) => f.notification!.id));
    expect(aliceSocket.notifications.map((f) => f.notification!.notification_type)).to.deep.equal(['SECURITY']);
    expect(bobSocket.notifications.map((f) => f.notification!.notification_type)).to.deep.equal(['TRANSACTION']);
    expect(carolSocket.notifications).to.deep.equal([]);
    await svc.api.post(`/admin/accounts/${aliceAccount}/unfreeze/`, { reason: 'e2e' }, { token: staff.access });
    await Promise.all([staffSocket, aliceSocket, bobSocket].map((c) => c.close()));
    void carolAccount;
  });

  it('logout and terminate-session close the open sockets of that session with 4001', async () => {
    const session = await login(svc, bob.email);
    const other = await login(svc, bob.email);
    const [a, b, kept] = [await connect(svc, session.access), await connect(svc, session.access), await connect(svc, other.access)];
    expect((await svc.api.post('/auth/logout/', {}, { token: session.access })).status).to.equal(200);
    expect(await a.closed).to.deep.equal({ code: 4001, reason: 'session_revoked' });
    expect(await b.closed).to.deep.equal({ code: 4001, reason: 'session_revoked' });
    // Another session of the same user stays open until staff terminate every session.
    await sleep(200);
    expect(kept.ws.readyState).to.equal(WebSocket.OPEN);
    expect((await svc.api.post(`/admin/users/${bob.id}/terminate-session/`, { reason: 'e2e' }, { token: staff.access })).status).to.equal(200);
    expect((await kept.closed).code).to.equal(4001);
    bob = { ...bob, ...(await login(svc, bob.email)) };
  });

  it('a client that disconnects and resumes from its last position gets exactly the missed frames, once, then live ones', async () => {
    const first = await connect(svc, alice.access);
    await deposit(aliceAccount);
    await first.until((f) => f.some((x) => x.type === 'notification'));
    const last = first.notifications.at(-1)!.position!;
    await first.close();
    const missed = [];
    for (let i = 0; i < 5; i++) missed.push(await deposit(aliceAccount, `2.00${i}`));
    await deposit(bobAccount); // someone else's: never sent to alice
    // Deposits keep coming while the client resumes: none may fall between the replay and the live feed.
    const during: Promise<string>[] = [];
    const writing = (async () => {
      for (let i = 0; i < 8; i++) {
        during.push(deposit(aliceAccount, '0.100'));
        await sleep(20);
      }
    })();
    const resumed = await connect(svc, alice.access, last);
    await writing;
    const lastWritten = BigInt((await Promise.all(during)).reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b)));
    await resumed.until((f) => f.some((x) => x.type === 'notification' && BigInt(x.position!) >= lastWritten), 15_000, 'the live deposits');
    const got = resumed.notifications;
    // Strictly increasing positions: nothing twice.
    const ps = positions(got);
    expect(ps.every((p, i) => i === 0 || p > ps[i - 1]!), ps.join(',')).to.equal(true);
    // Exactly what the read model holds after the last position seen: nothing missed, identical frames.
    const stored = (await listed(alice.access)).filter((n) => n!.notification_type === 'TRANSACTION');
    const after = stored.slice(stored.findIndex((n) => n!.id === first.notifications.at(-1)!.notification!.id) + 1);
    expect(got.map((f) => f.notification)).to.deep.equal(after);
    expect(got.length).to.equal(5 + 8);
    // The replay ends with caught_up, before which are the missed ones.
    const caughtUp = resumed.frames.findIndex((f) => f.type === 'caught_up');
    expect(resumed.frames.slice(1, caughtUp).map((f) => f.position)).to.include.members(missed);
    await resumed.close();
  });

  it('200 connected clients (40 users, 5 sockets each) each receive their own frames and nobody else\'s', async () => {
    // Registering is argon2 and a mailed activation per user: on the shared 2-core machine 200 users took minutes,
    // so 200 sockets are 40 users with 5 sockets each (WS_USERS and WS_SOCKETS_PER_USER override).
    const U = Number(process.env.WS_USERS ?? 40);
    const S = Number(process.env.WS_SOCKETS_PER_USER ?? 5);
    const N = U * S;
    const t0 = Date.now();
    const users: (TestUser & Tokens & { account: string })[] = [];
    for (let i = 0; i < U; i += 10) {
      users.push(...(await Promise.all(Array.from({ length: Math.min(10, U - i) }, async (_, j) => {
        const u = await user(`crowd-${i + j}@example.com`);
        return { ...u, account: await openAccount(u.access) };
      }))));
    }
    const setupMs = Date.now() - t0;
    const t1 = Date.now();
    const sockets = await Promise.all(users.map((u) => Promise.all(Array.from({ length: S }, () => connect(svc, u.access)))));
    const connectMs = Date.now() - t1;
    const staffSocket = await connect(svc, staff.access);
    const amount = (i: number, round: number) => `${round}.${String(i + 1).padStart(3, '0')}`;
    const burst = async (round: number) => {
      const sent = Date.now();
      const received: number[] = [];
      // Per user: from the deposit's answer to the frame on the last of its sockets (negative: the frame came first).
      const pushed: number[] = [];
      const positionOf = await Promise.all(users.map(async (u, i) => {
        const position = await deposit(u.account, amount(i, round));
        const answered = Date.now();
        const arrivals = await Promise.all(sockets[i]!.map(async (c) => {
          await c.until((f) => f.filter((x) => x.type === 'notification').length === round, 60_000, `frame ${round} of ${u.email}`);
          return Date.now();
        }));
        received.push(...arrivals.map((t) => t - sent));
        pushed.push(Math.max(...arrivals) - answered);
        return position;
      }));
      const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
      const r = sorted(received);
      const p = sorted(pushed);
      return { positionOf, ms: Date.now() - sent, median: r[r.length >> 1]!, pushMedian: p[p.length >> 1]!, pushMax: p[p.length - 1]! };
    };
    const first = await burst(1);
    const second = await burst(2);
    await sleep(500);
    for (const [i, u] of users.entries()) {
      for (const c of sockets[i]!) {
        const frames = c.notifications;
        expect(frames.map((f) => f.position), u.email).to.deep.equal([first.positionOf[i], second.positionOf[i]]);
        expect(frames.map((f) => f.notification!.message)).to.deep.equal([1, 2].map((r) => `Deposit of ${amount(i, r)} JOD to account ${u.account}.`));
      }
    }
    // Deposits alert nobody on staff.
    expect(staffSocket.notifications).to.deep.equal([]);
    console.log(`      ${U} users set up in ${setupMs} ms, ${N} sockets connected in ${connectMs} ms; ${U} concurrent deposits over HTTP, ` +
      `all ${N} frames in ${first.ms} ms then ${second.ms} ms after the first request (median frame ${first.median}/${second.median} ms); ` +
      `from a deposit's answer to its frame on all 5 sockets: median ${first.pushMedian}/${second.pushMedian} ms, max ${first.pushMax}/${second.pushMax} ms`);
    await Promise.all([...sockets.flat(), staffSocket].map((c) => c.close()));
  });

  it('an API restart (SIGKILL) loses no frame for a client that resumes from its last position', async () => {
    const client = await connect(svc, alice.access);
    await deposit(aliceAccount);
    await client.until((f) => f.some((x) => x.type === 'notification'));
    const last = client.notifications.at(-1)!;
    // Written just before the crash: the client may or may not have received them.
    const beforeCrash = await Promise.all([deposit(aliceAccount, '0.200'), deposit(aliceAccount, '0.300')]);
    await svc.kill();
    expect((await client.closed).code).to.equal(1006);
    const seen = client.notifications;
    await svc.restart();
    const afterRestart = await deposit(aliceAccount, '0.400');
    const resumed = await connect(svc, alice.access, seen.at(-1)!.position!);
    await resumed.until((f) => f.some((x) => x.position === afterRestart));
    const all = [...seen, ...resumed.notifications];
    const ps = positions(all);
    expect(ps.every((p, i) => i === 0 || p > ps[i - 1]!), ps.join(',')).to.equal(true);
    expect(all.map((f) => f.position)).to.include.members([last.position!, ...beforeCrash, afterRestart]);
    const stored = (await listed(alice.access));
    const from = stored.findIndex((n) => n!.id === last.notification!.id);
    expect(all.slice(all.indexOf(last)).map((f) => f.notification)).to.deep.equal(stored.slice(from));
    await resumed.close();
  });
});

describe('live notifications with the projector in its own process (real processes)', function () {
  this.timeout(300_000);
  let cluster: Cluster;

  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('frames come from the log: a killed projector delays the read model, never a frame; after its restart both agree', async () => {
    const svc: RunningService = cluster;
    await registerUser(svc, 'dana-ws@example.com');
    const dana = await login(svc, 'dana-ws@example.com');
    const staff = await createStaff(svc, 'staff-split-ws@example.com');
    const opened = await svc.api.post('/accounts/', {}, { token: dana.access });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    const account = opened.body.account_number as string;
    const client = await connect(svc, dana.access);
    await cluster.projector.kill();
    const written: string[] = [];
    for (const amount of ['1.000', '2.000', '3.000']) {
      const res = await svc.api.post(`/admin/accounts/${account}/deposit/`, { amount }, { token: staff.access });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      written.push(res.body.position as string);
    }
    // Pushed while no projector runs.
    await client.until((f) => f.filter((x) => x.type === 'notification').length === 3, 15_000, 'frames without a projector');
    expect(client.notifications.map((f) => f.position)).to.deep.equal(written);
    const behind = await svc.api.get(`/notifications/?min_position=${written[2]}`, { token: dana.access });
    expect(behind.status, 'the read model cannot have them yet').to.equal(503);
    await cluster.projector.start();
    const listed = await svc.api.get(`/notifications/?min_position=${written[2]}`, { token: dana.access });
    expect(listed.status).to.equal(200);
    expect((listed.body.results as unknown[]).reverse()).to.deep.equal(client.notifications.map((f) => f.notification));
    await client.close();
  });
});
