/**
 * The country a user's KPIs are attributed to, coarse enough to stay in clear
 * in the log after the user is erased: an English country name when the
 * profile's free-text country names one (an ISO 3166 code, its English name,
 * or a common short form), "Other" for anything else, "" when none was given.
 * The profile country itself is personal data and is stored encrypted.
 */
export const OTHER_COUNTRY = 'Other';

const ALIASES: Record<string, string> = {
  uae: 'AE', uk: 'GB', 'great britain': 'GB', england: 'GB', usa: 'US', 'united states of america': 'US', ksa: 'SA', 'south korea': 'KR',
};

const BY_NAME: ReadonlyMap<string, string> = (() => {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const map = new Map<string, string>();
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of letters) {
    for (const b of letters) {
      const name = names.of(a + b);
      // ZZ and the like name no country.
      if (!name || /unknown|outlying|pseudo/i.test(name)) continue;
      map.set((a + b).toLowerCase(), name);
      map.set(name.toLowerCase(), name);
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) map.set(alias, map.get(code.toLowerCase())!);
  return map;
})();

export function kpiCountry(country: string): string {
  const key = country.trim().toLowerCase().replace(/\s+/g, ' ');
  if (key === '') return '';
  return BY_NAME.get(key) ?? OTHER_COUNTRY;
}
