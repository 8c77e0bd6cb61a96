import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../src/infra/logger.js';
import { errorHandler } from '../../../src/http/middleware/errors.js';
import { requestId } from '../../../src/http/middleware/request-id.js';

describe('request ids in problem bodies and log lines', () => {
  it('puts the response header id in the problem of an unexpected error and in its log line', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = { error: (fields: Record<string, unknown>) => lines.push(fields) } as unknown as Logger;
    const app = express();
    app.use(requestId);
    app.get('/boom', () => {
      throw new Error('secret internals');
    });
    app.use(errorHandler(logger));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`, { headers: { 'x-request-id': 'from-an-untrusted-peer' } });
      const body = (await res.json()) as Record<string, unknown>;
      const id = res.headers.get('x-request-id');
      expect(res.status).to.equal(500);
      expect(id).to.match(/^[0-9a-f-]{36}$/); // no trust proxy configured: the sent id is not believed
      expect(body.request_id).to.equal(id);
      expect(JSON.stringify(body)).to.not.include('secret internals');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ request_id: id, method: 'GET', path: '/boom' });
    } finally {
      server.close();
    }
  });
});
