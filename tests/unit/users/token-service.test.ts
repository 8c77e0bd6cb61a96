import { expect } from 'chai';
import { SignJWT, decodeJwt } from 'jose';
import { InvalidToken } from '../../../src/domain/sessions/auth-errors.js';
import { TokenService } from '../../../src/commands/sessions/token-service.js';

const config = {
  jwtSecret: 'unit-secret-unit-secret-unit-secret-0123',
  jwtIssuer: 'nexus-bank',
  jwtAudience: 'nexus-bank-api',
  accessTokenTtlSeconds: 600,
  refreshTokenTtlSeconds: 86_400,
};
const key = new TextEncoder().encode(config.jwtSecret);
const tokens = new TokenService(config);

async function rejected(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('token service', () => {
  it('round-trips claims of the expected kind', async () => {
    const issued = await tokens.issue('access', { sub: 'u1', sid: 's1', cv: 2, roles: ['customer'], email: 'a@b.c' });
    const claims = await tokens.verify(issued.token, 'access');
    expect(claims).to.include({ sub: 'u1', sid: 's1', cv: 2, token_type: 'access', email: 'a@b.c', jti: issued.jti });
    expect(claims.exp - claims.iat).to.equal(600);
    expect(decodeJwt(issued.token)).to.include({ iss: 'nexus-bank', aud: 'nexus-bank-api' });
  });

  it('refuses a token of another kind', async () => {
    const refresh = await tokens.issue('refresh', { sub: 'u1', sid: 's1' });
    expect(await rejected(tokens.verify(refresh.token, 'access'))).to.be.instanceOf(InvalidToken);
    const activation = await tokens.issue('activation', { sub: 'u1' });
    expect(await rejected(tokens.verify(activation.token, 'password_reset'))).to.be.instanceOf(InvalidToken);
    expect((await tokens.verify(activation.token, 'activation')).sub).to.equal('u1');
  });

  it('refuses expired tokens, other algorithms, other issuers and missing claims', async () => {
    const old = await tokens.issue('access', { sub: 'u1', sid: 's1' }, new Date(Date.now() - 3_600_000));
    expect(await rejected(tokens.verify(old.token, 'access'))).to.be.instanceOf(InvalidToken);
    const now = Math.floor(Date.now() / 1000);
    const base = { token_type: 'access', sub: 'u1', jti: 'j', iat: now, exp: now + 60, iss: config.jwtIssuer, aud: config.jwtAudience };
    const good = await new SignJWT(base).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect((await tokens.verify(good, 'access')).sub).to.equal('u1');
    const hs384 = await new SignJWT(base).setProtectedHeader({ alg: 'HS384' }).sign(key);
    const issuer = await new SignJWT({ ...base, iss: 'evil' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    const { jti: _jti, ...noJti } = base;
    const missing = await new SignJWT(noJti).setProtectedHeader({ alg: 'HS256' }).sign(key);
    for (const token of [hs384, issuer, missing]) {
      expect(await rejected(tokens.verify(token, 'access'))).to.be.instanceOf(InvalidToken);
    }
  });

  it('remembers a verified token only until it expires, and never a changed one', async function () {
    this.timeout(5_000);
    // Issued so that it expires a second from now.
    const short = await tokens.issue('access', { sub: 'u1', sid: 's1' }, new Date(Date.now() - 599_000));
    expect((await tokens.verify(short.token, 'access')).sub).to.equal('u1');
    expect((await tokens.verify(short.token, 'access')).sub).to.equal('u1');
    const [header, payload, signature] = short.token.split('.') as [string, string, string];
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(await rejected(tokens.verify(`${header}.${payload}.${flipped}`, 'access'))).to.be.instanceOf(InvalidToken);
    expect(await rejected(tokens.verify(short.token, 'refresh'))).to.be.instanceOf(InvalidToken);
    await new Promise((r) => setTimeout(r, 1_600));
    expect(await rejected(tokens.verify(short.token, 'access'))).to.be.instanceOf(InvalidToken);
  });
});
