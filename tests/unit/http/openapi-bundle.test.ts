import { expect } from 'chai';
import type { Request, Response } from 'express';
import { bundleOpenApi } from '../../../src/http/openapi/bundle.js';
import { BUNDLE_FILE, loadOpenApi } from '../../../src/http/openapi/load.js';
import { matchedOperation, matchOperations } from '../../../src/http/openapi/matched-operation.js';
import { requestValidator } from '../../../src/http/openapi/request-validator.js';

describe('the served contract', () => {
  it('openapi/openapi.json (what the service loads) is the bundle of the YAML fragments: run `npm run openapi` after editing them', () => {
    expect(loadOpenApi(), BUNDLE_FILE).to.deep.equal(bundleOpenApi());
  });

  it('compiles the validators of every operation (they are compiled on first use, not at start)', () => {
    const doc = loadOpenApi();
    const match = matchOperations(doc);
    const validate = requestValidator(doc);
    let operations = 0;
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))) {
        const req = { path: template.replace(/\{[^}]+\}/g, '1'), method: method.toUpperCase(), query: {}, headers: {}, body: {} } as unknown as Request;
        const res = { locals: {} } as unknown as Response;
        match(req, res, () => undefined);
        expect(matchedOperation(res), `${method} ${template} is matched`).to.not.equal(undefined);
        const outcomes: unknown[] = [];
        validate(req, res, (error?: unknown) => outcomes.push(error));
        expect(outcomes, `${method} ${template}`).to.have.length(1);
        operations++;
      }
    }
    expect(operations).to.be.greaterThan(50);
  });
});

describe('matching a request to its contract operation', () => {
  const doc = loadOpenApi();
  const matched = (method: string, path: string) => {
    const res = { locals: {} } as unknown as Response;
    matchOperations(doc)({ method, path } as Request, res, () => undefined);
    return matchedOperation(res)?.entry.template;
  };

  it('matches literal segments before parameters, and any trailing slash', () => {
    expect(matched('POST', '/transfers/internal/')).to.equal('/transfers/internal');
    expect(matched('GET', '/accounts/100000000417')).to.equal('/accounts/{account_number}');
    expect(matched('PUT', '/accounts/100000000417')).to.equal(undefined);
  });

  it('matches without regard to case, as Express routes do (else /TRANSFERS/internal would reach its route unvalidated)', () => {
    expect(matched('POST', '/TRANSFERS/Internal')).to.equal('/transfers/internal');
    expect(matched('post', '/Accounts/100000000417/cards')).to.equal('/accounts/{account_number}/cards');
  });
});
