/**
 * Money as the API sends it: decimal strings, exact to the currency's minor unit
 * ("42.500" JOD, "10.00" USD). Formatting never goes through a float: the digits
 * shown are the digits sent. Amounts of different currencies are never added.
 */
export function formatMoney(amount: string, currency: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) return `${amount} ${currency}`;
  const [, sign, whole, fraction] = m;
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign === '-' ? '−' : ''}${grouped}${fraction ? `.${fraction}` : ''} ${currency}`;
}

/** A plotting value only (charts): never used to compute or show an amount. */
export const plotValue = (amount: string | undefined): number => (amount === undefined ? 0 : Number(amount));
