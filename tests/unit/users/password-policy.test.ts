import { expect } from 'chai';
import { passwordProblems } from '../../../src/domain/users/password-policy.js';
import { normalizeEmail } from '../../../src/domain/users/email.js';

const ctx = { email: 'ann.smith@example.com', first_name: 'Ann' };

describe('password policy', () => {
  it('accepts a reasonable password', () => {
    expect(passwordProblems('correct horse battery', ctx)).to.deep.equal([]);
    expect(passwordProblems('S3cure!pass', ctx)).to.deep.equal([]);
  });

  it('refuses short, numeric, common and too-long passwords', () => {
    expect(passwordProblems('Ab1!x', ctx)).to.have.length(1).and.match(/too short/);
    expect(passwordProblems('1234567890', ctx).join()).to.match(/entirely numeric/);
    expect(passwordProblems('Password123', ctx).join()).to.match(/too common/);
    expect(passwordProblems('x'.repeat(129), ctx).join()).to.match(/too long/);
  });

  it('refuses the email, its local part and near copies', () => {
    expect(passwordProblems('ann.smith@example.com', ctx).join()).to.match(/too similar/);
    expect(passwordProblems('ANN.SMITH', ctx).join()).to.match(/too similar/);
    expect(passwordProblems('ann.smith1', ctx).join()).to.match(/too similar/);
  });

  it('normalizes emails by trimming and lower-casing', () => {
    expect(normalizeEmail('  Ann.Smith@Example.COM ')).to.equal('ann.smith@example.com');
  });
});
