import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientError } from '../../../src/http/client-error.js';
import { rawRequest } from '../../helpers/raw-http.js';

/** The clientError listener on a bare http server with short timeouts (the service's are 10 s and 30 s). */
describe('answers to requests the HTTP parser refuses', () => {
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer({ headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 }, (req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    server.on('clientError', answerClientError);
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const problem = (answer: { status: number; headers: Record<string, string>; body: string }) => {
    expect(answer.headers['content-type']).to.equal('application/problem+json');
    return JSON.parse(answer.body) as { status: number; code: string; detail: string };
  };

  it('answers headers that never finish arriving 408 request_timeout', async () => {
    const answer = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: bank\r\nX-Slow: 1\r\n', 5_000);
    expect(answer.status).to.equal(408);
    expect(problem(answer)).to.include({ status: 408, code: 'request_timeout' });
  });

  it('answers oversized chunk extensions 413 payload_too_large', async () => {
    const answer = await rawRequest(port, `POST / HTTP/1.1\r\nHost: bank\r\nTransfer-Encoding: chunked\r\n\r\n1;ext=${'a'.repeat(20_000)}\r\n`);
    expect(answer.status).to.equal(413);
    expect(problem(answer)).to.include({ status: 413, code: 'payload_too_large' });
  });

  it('answers a malformed request 400 bad_request, naming nothing of the request', async () => {
    const answer = await rawRequest(port, 'PUT /x HTTP/1.1\r\nHost: bank\r\nBad\u0001Header: token-123\r\n\r\n');
    expect(answer.status).to.equal(400);
    const body = problem(answer);
    expect(body).to.include({ status: 400, code: 'bad_request' });
    expect(answer.body).not.to.contain('token-123');
  });

  it('writes nothing on a socket that is no longer writable', () => {
    let written = false;
    let destroyed = false;
    const socket = { writable: false, end: () => (written = true), destroy: () => (destroyed = true) };
    answerClientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), socket as never);
    expect({ written, destroyed }).to.deep.equal({ written: false, destroyed: true });
  });

  it('writes nothing when an answer on the connection has already begun', () => {
    let written = false;
    const socket = { writable: true, _httpMessage: { headersSent: true }, end: () => (written = true), destroy: () => undefined };
    answerClientError(Object.assign(new Error('parse'), { code: 'HPE_INVALID_METHOD' }), socket as never);
    expect(written).to.equal(false);
  });
});
