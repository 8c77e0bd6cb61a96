import { expect } from 'chai';
import { kpiCountry } from '../../../src/domain/users/kpi-country.js';

describe('KPI country (coarse, kept in clear)', () => {
  it('names a known country from its code, English name or a common short form; anything else is Other', () => {
    expect(kpiCountry('Jordan')).to.equal('Jordan');
    expect(kpiCountry('  jordan ')).to.equal('Jordan');
    expect(kpiCountry('JO')).to.equal('Jordan');
    expect(kpiCountry('UAE')).to.equal('United Arab Emirates');
    expect(kpiCountry('united   kingdom')).to.equal('United Kingdom');
    expect(kpiCountry('USA')).to.equal('United States');
    expect(kpiCountry('Flat 3, 12 Rainbow St, Amman')).to.equal('Other');
    expect(kpiCountry('ZZ')).to.equal('Other');
    expect(kpiCountry('')).to.equal('');
  });
});
