import { expect } from 'chai';
import { rawRequest, type RawAnswer } from '../helpers/raw-http.js';
import { startService, type RunningService } from '../helpers/service.js';

function expectProblem(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer)).to.equal(status);
  expect(answer.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(answer.headers.connection).to.equal('close');
  expect(Number(answer.headers['content-length'])).to.equal(Buffer.byteLength(answer.body));
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(body).to.include({ status, code });
  expect(body.type).to.equal(`https://docs.nexus-bank.local/problems/${code}`);
}

/** Requests Node's HTTP parser refuses before Express sees them still get problem+json. */
describe('protocol errors are problem+json (raw socket against the service)', function () {
  this.timeout(60_000);
  let svc: RunningService;
  let port: number;

  before(async () => {
    svc = await startService();
    port = Number(new URL(svc.baseUrl).port);
  });
  after(async () => {
    await svc?.stop();
  });

  it('answers headers larger than the server accepts 431 headers_too_large, without echoing them', async () => {
    const secret = 'S3cr3t'.repeat(4_000);
    const answer = await rawRequest(port, `GET /accounts HTTP/1.1\r\nHost: bank\r\nAuthorization: Bearer ${secret}\r\n\r\n`);
    expectProblem(answer, 431, 'headers_too_large');
    expect(answer.body).not.to.contain('S3cr3t');
  });

  it('answers a request line or header that is not HTTP 400 bad_request', async () => {
    expectProblem(await rawRequest(port, 'garbage\x00\x01 not http\r\n\r\n'), 400, 'bad_request');
    expectProblem(await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: bank\r\nno colon here\r\n\r\n'), 400, 'bad_request');
    expectProblem(await rawRequest(port, 'POST /auth/jwt/create HTTP/1.1\r\nHost: bank\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'), 400, 'bad_request');
  });

  it('still serves the next connection normally', async () => {
    const answer = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: bank\r\nConnection: close\r\n\r\n');
    expect(answer.status).to.equal(200);
    expect(JSON.parse(answer.body)).to.include({ status: 'ok' });
  });
});
