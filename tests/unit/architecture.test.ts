import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const DOC = 'docs/architecture.md';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('architecture (docs/architecture.md against the code)', () => {
  it('names only paths that exist', () => {
    const text = readFileSync(DOC, 'utf8');
    const named = [...text.matchAll(/`((?:src|openapi|tests|docs)\/[^`\s<>*]*)`/g)].map((m) => m[1]!);
    expect(named.length).to.be.greaterThan(30);
    const missing = named.filter((p) => !existsSync(p));
    expect(missing, `named in ${DOC} but not in the repository`).to.deep.equal([]);
  });

  it('keeps the domain free of every other layer (relative imports stay in src/domain)', () => {
    const outside: string[] = [];
    for (const file of files('src/domain')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = resolve(dirname(file), m[1]!);
        if (!target.startsWith(resolve('src/domain'))) outside.push(`${file} → ${m[1]}`);
      }
    }
    expect(outside).to.deep.equal([]);
  });
});
