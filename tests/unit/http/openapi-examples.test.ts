import { expect } from 'chai';
import { CONTRACT_ID, contractAjv, pointer } from '../../../src/http/openapi/contract-ajv.js';
import { loadOpenApi } from '../../../src/http/openapi/load.js';

const doc = loadOpenApi();
const ajv = contractAjv(doc);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

type Media = { schema?: object; example?: unknown; examples?: Record<string, { value?: unknown; $ref?: string }> };
type WithContent = { $ref?: string; content?: Record<string, Media> };

/** Follows a local `$ref` to where it points: the object and its location. */
function deref<T>(at: string[], value: T): { at: string[]; value: T } {
  const ref = (value as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string') return { at, value };
  const parts = ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return deref(parts, parts.reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], doc) as T);
}

/** The examples a media type (or parameter, header) gives, by name. */
function examplesOf(media: Media): [string, unknown][] {
  const named = Object.entries(media.examples ?? {}).map(([name, ex]) => [name, deref([], ex).value.value] as [string, unknown]);
  return media.example !== undefined ? [['example', media.example], ...named] : named;
}

/** Every media type with its location: requests, responses (inline and shared), and what they belong to. */
function mediaTypes(): { where: string; at: string[]; media: Media; needed: boolean }[] {
  const found: { where: string; at: string[]; media: Media; needed: boolean }[] = [];
  const add = (where: string, at: string[], holder: WithContent, needed: boolean) => {
    for (const [type, media] of Object.entries(holder.content ?? {})) found.push({ where: `${where} ${type}`, at: [...at, 'content', type], media, needed });
  };
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of METHODS.filter((m) => item[m] !== undefined)) {
      const op = item[method] as { requestBody?: WithContent; responses?: Record<string, WithContent> };
      const name = `${method.toUpperCase()} ${template}`;
      if (op.requestBody) {
        const { at, value } = deref(['paths', template, method, 'requestBody'], op.requestBody);
        add(`${name} request`, at, value, true);
      }
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (response.$ref) continue; // a shared response: checked once below
        add(`${name} ${status}`, ['paths', template, method, 'responses', status], response, /^[12]/.test(status));
      }
    }
  }
  for (const [name, response] of Object.entries((doc.components.responses ?? {}) as Record<string, WithContent>)) {
    add(`components.responses.${name}`, ['components', 'responses', name], response, true);
  }
  return found;
}

const schemaErrors = (at: string[], value: unknown): string | undefined => {
  const validate = ajv.getSchema(`${CONTRACT_ID}#/${pointer(...at)}`) ?? ajv.compile({ $ref: `${CONTRACT_ID}#/${pointer(...at)}` });
  return validate(value) ? undefined : ajv.errorsText(validate.errors);
};

describe('the contract has an example for every operation, and every example is valid', () => {
  const all = mediaTypes();

  it('every request body, every success response and every shared response has an example', () => {
    expect(all.filter((m) => m.needed).length).to.be.greaterThan(100);
    const missing = all.filter((m) => m.needed && examplesOf(m.media).length === 0).map((m) => m.where);
    expect(missing, 'media types without an example').to.deep.equal([]);
  });

  it('every example of a request or response validates against its schema (ajv, as the service validates)', () => {
    const invalid: string[] = [];
    let checked = 0;
    for (const { where, at, media } of all) {
      if (!media.schema) continue;
      for (const [name, value] of examplesOf(media)) {
        checked++;
        const errors = schemaErrors([...at, 'schema'], value);
        if (errors) invalid.push(`${where} (${name}): ${errors}`);
      }
    }
    expect(checked).to.be.greaterThan(100);
    expect(invalid).to.deep.equal([]);
  });

  it('every example of a parameter validates against its schema', () => {
    const invalid: string[] = [];
    const check = (where: string, at: string[], param: Media) => {
      for (const [name, value] of examplesOf(param)) if (param.schema && schemaErrors([...at, 'schema'], value)) invalid.push(`${where} (${name})`);
    };
    for (const [name, param] of Object.entries((doc.components.parameters ?? {}) as Record<string, Media>)) check(`components.parameters.${name}`, ['components', 'parameters', name], param);
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of METHODS.filter((m) => item[m] !== undefined)) {
        const params = ((item[method] as { parameters?: Media[] }).parameters ?? []);
        params.forEach((p, i) => !('$ref' in p) && check(`${method} ${template} parameter ${i}`, ['paths', template, method, 'parameters', String(i)], p));
      }
    }
    expect(invalid).to.deep.equal([]);
  });

  it('an example that does not match its schema is caught (the check can fail)', () => {
    expect(schemaErrors(['components', 'schemas', 'Amount'], '12.5.0')).to.be.a('string');
    expect(schemaErrors(['components', 'schemas', 'Amount'], '12.500')).to.equal(undefined);
  });
});
