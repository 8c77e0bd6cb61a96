import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/infra/logger.js';

/** A logger at trace writing into an array of lines. */
function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ logLevel: 'trace' }, 'test', sink), lines };
}

describe('log redaction (defence in depth)', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsInRva2VuX3R5cGUiOiJhY2Nlc3MifQ.c2lnbmF0dXJlLWJ5dGVz';
  const argon = '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';

  it('masks secret-looking keys at any depth and secret-looking text anywhere', () => {
    const { logger, lines } = capture();
    logger.info({ password: 'Corr3ct-horse', body: { new_password: 'n3w-Pass-word', nested: { refresh: jwt, otp: '123456' } }, code: '654321' }, 'login');
    logger.warn({ mail: { to: 'a@b.c', text: 'Your confirmation code is 777888.' } }, 'mail');
    logger.info(`link https://x/auth/activate/u1/${jwt} sent`);
    logger.info({ req: { headers: { authorization: `Bearer ${jwt}`, cookie: 'sid=1' } } }, 'request');
    logger.error({ err: new Error(`hash ${argon} did not verify; code is 123123`) }, 'failed');
    logger.info({ code: 'insufficient_funds', field: 'pii:v1:u1:QUJD' }, 'refused');
    logger.debug({ req: { url: '/auth/social/complete/?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj' } }, 'callback');
    const out = lines.join('');
    for (const secret of ['Corr3ct-horse', 'n3w-Pass-word', jwt, '123456', '654321', '777888', argon, '123123', 'sid=1', 'pii:v1:', 'SplxlOBeZQQYbYS6WxSbIA']) {
      expect(out, secret).to.not.include(secret);
    }
    expect(out).to.include('insufficient_funds');
    expect(out).to.include('"type":"Error"');
    expect(out).to.include('state=af0ifjsldkj');
    expect(lines).to.have.length(7);
  });
});
