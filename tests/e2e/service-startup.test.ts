import { expect } from 'chai';
import { startService, type RunningService } from '../helpers/service.js';

describe('service start-up (PostgreSQL)', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService();
  });
  after(async () => {
    await svc?.stop();
  });

  it('answers /health with the event store in use', async () => {
    const res = await svc.api.get('/health');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ status: 'ok', event_store: 'postgres' });
  });

  it('serves the contract and its readers offline', async () => {
    const doc = await svc.api.get('/api/schema/?format=json');
    expect(doc.status).to.equal(200);
    expect(doc.body.openapi).to.equal('3.1.0');
    for (const page of ['/api/schema/swagger-ui/', '/api/schema/redoc/']) {
      const res = await svc.api.get(page);
      expect(res.status, page).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/html/);
    }
    const asset = await svc.api.get('/api/schema/swagger-ui/assets/swagger-ui-bundle.js');
    expect(asset.status).to.equal(200);
  });

  it('answers unknown routes with problem+json 404', async () => {
    const res = await svc.api.get('/no/such/route/');
    expect(res.status).to.equal(404);
    expect(res.headers.get('content-type')).to.match(/application\/problem\+json/);
    expect(res.body.code).to.equal('not_found');
  });

  it('answers malformed JSON with problem+json 400', async () => {
    const res = await svc.api.request('POST', '/health', undefined, { raw: '{"a":' });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('malformed_body');
  });
});
