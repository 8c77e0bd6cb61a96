import { expect } from 'chai';
import express from 'express';
import { listen } from '../../helpers/listen.js';
import { pino } from 'pino';
import { IdempotencyInProgressError } from '../../../src/commands/shared/idempotency.js';
import { LoginLocked } from '../../../src/domain/security/login-locked.js';
import { InvalidCredentials, InvalidToken } from '../../../src/domain/sessions/auth-errors.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import { WrongExpectedRevisionError } from '../../../src/eventstore/errors.js';
import { errorHandler } from '../../../src/http/middleware/errors.js';

describe('error handler', () => {
  let served: Awaited<ReturnType<typeof listen>>;
  let base: string;

  before(async () => {
    const app = express();
    app.get('/conflict', () => {
      throw new WrongExpectedRevisionError('account-1', 4n, 5n);
    });
    app.get('/domain', () => {
      throw new DomainError('account_frozen', 'Account 1 is frozen.', 422);
    });
    app.get('/clash', () => {
      throw new DomainError('receiver_unavailable', 'The receiving account cannot take transfers.', 422, { status: 'reversed', code: 'x', transfer_id: 't1' });
    });
    app.get('/db-down', () => {
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });
    });
    app.get('/key-busy', () => {
      throw new IdempotencyInProgressError();
    });
    app.get('/pool-ended', () => {
      throw new Error('Cannot use a pool after calling end on the pool');
    });
    app.get('/token', () => {
      throw new InvalidToken('Token was already used');
    });
    app.get('/credentials', () => {
      throw new InvalidCredentials();
    });
    app.get('/locked', () => {
      throw new LoginLocked({ scope: 'pair', until: new Date('2026-01-01T00:01:00.500Z') }, new Date('2026-01-01T00:00:00Z'));
    });
    app.get('/bug', () => {
      throw new Error('secret internals');
    });
    app.use(errorHandler(pino({ level: 'silent' })));
    served = await listen(app);
    base = served.base;
  });
  after(() => served.close());

  const get = async (path: string) => {
    const res = await fetch(base + path);
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      retryAfter: res.headers.get('retry-after'),
      challenge: res.headers.get('www-authenticate'),
      body: await res.json(),
    };
  };

  it('answers a lost race for a stream with a retryable 503 problem that names no stream', async () => {
    const res = await get('/conflict');
    expect(res.status).to.equal(503);
    expect(res.type).to.match(/^application\/problem\+json/);
    expect(res.retryAfter).to.equal('1');
    expect(res.body.code).to.equal('concurrent_update');
    expect(JSON.stringify(res.body)).not.to.contain('account-1');
  });

  it('keeps status and code when a domain error carries details of the same names', async () => {
    const res = await get('/clash');
    expect(res.body).to.include({ status: 422, code: 'receiver_unavailable', transfer_id: 't1' });
  });

  it('answers a database that went away (restart, shutdown, pool ended) with 503 service_unavailable and Retry-After, never 500', async () => {
    for (const path of ['/db-down', '/pool-ended']) {
      const res = await get(path);
      expect([res.status, res.body.code, res.retryAfter], path).to.deep.equal([503, 'service_unavailable', '2']);
      expect(res.type).to.match(/^application\/problem\+json/);
      expect(JSON.stringify(res.body), path).not.to.match(/administrator|calling end/);
    }
  });

  it('answers a key another request still holds 409 idempotency_in_progress with Retry-After', async () => {
    const res = await get('/key-busy');
    expect([res.status, res.body.code, res.retryAfter]).to.deep.equal([409, 'idempotency_in_progress', '1']);
  });

  it('maps domain errors to their status and code, and anything else to a bare 500', async () => {
    const domain = await get('/domain');
    expect([domain.status, domain.body.code]).to.deep.equal([422, 'account_frozen']);
    const bug = await get('/bug');
    expect([bug.status, bug.body.code]).to.deep.equal([500, 'internal_error']);
    expect(JSON.stringify(bug.body)).not.to.contain('secret');
  });

  it('maps the auth errors of the command side: 401 with the challenge, and 423 with Retry-After counted from the command time', async () => {
    const token = await get('/token');
    expect([token.status, token.challenge]).to.deep.equal([401, 'Bearer realm="api", error="invalid_token"']);
    expect(token.body).to.include({ code: 'token_not_valid', title: 'Unauthorized', detail: 'Given token not valid for any token type', reason: 'Token was already used' });
    const credentials = await get('/credentials');
    expect([credentials.status, credentials.challenge, credentials.body.code]).to.deep.equal([401, 'Bearer realm="api"', 'no_active_account']);
    const locked = await get('/locked');
    expect([locked.status, locked.retryAfter, locked.body.code, locked.body.retry_after]).to.deep.equal([423, '61', 'login_locked', 61]);
  });
});
