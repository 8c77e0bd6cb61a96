import { expect } from 'chai';
import express from 'express';
import { listen } from '../../helpers/listen.js';
import { routeBySegment } from '../../../src/http/route-by-segment.js';

describe('routing by first path segment', () => {
  let served: Awaited<ReturnType<typeof listen>>;
  let base: string;
  const seen: string[] = [];

  before(async () => {
    const first = express.Router();
    first.get('/transfers/internal', (_req, res) => res.json({ by: 'transfers' }));
    first.get('/accounts/:n', (req, res, next) => (req.params.n === 'skip' ? next() : res.json({ by: 'first', n: req.params.n })));
    first.get('/accounts/:n/fail', () => {
      throw new Error('boom');
    });
    const second = express.Router();
    second.use((req, _res, next) => {
      seen.push(req.path);
      next();
    });
    second.get('/accounts/:n', (_req, res) => res.json({ by: 'second' }));
    second.get('/cards/:id', (_req, res) => res.json({ by: 'cards' }));
    const app = express();
    app.use(routeBySegment([{ segments: ['transfers', 'accounts'], router: first }, { segments: ['accounts', 'cards'], router: second }]));
    app.use((_req, res) => res.status(404).json({ by: 'not found' }));
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => res.status(500).json({ error: error.message }));
    served = await listen(app);
    base = served.base;
  });
  after(() => served.close());

  const get = async (path: string) => {
    const res = await fetch(base + path);
    return [res.status, await res.json()];
  };

  it('hands a request to the routers of its segment, in order, falling through to the next', async () => {
    expect(await get('/transfers/internal')).to.deep.equal([200, { by: 'transfers' }]);
    expect(await get('/accounts/7')).to.deep.equal([200, { by: 'first', n: '7' }]);
    expect(await get('/accounts/skip')).to.deep.equal([200, { by: 'second' }]);
    expect(await get('/cards/1')).to.deep.equal([200, { by: 'cards' }]);
  });

  it('matches segments without regard to case, as Express routes do', async () => {
    expect(await get('/Transfers/internal')).to.deep.equal([200, { by: 'transfers' }]);
  });

  it('never shows a router a request of another segment; unknown segments and paths fall through', async () => {
    seen.length = 0;
    await get('/transfers/internal');
    expect(seen).to.deep.equal([]);
    expect(await get('/nothing/here')).to.deep.equal([404, { by: 'not found' }]);
    expect(await get('/')).to.deep.equal([404, { by: 'not found' }]);
    expect(await get('/cards')).to.deep.equal([404, { by: 'not found' }]);
  });

  it('passes errors on to the error handler', async () => {
    expect(await get('/accounts/1/fail')).to.deep.equal([500, { error: 'boom' }]);
  });
});
