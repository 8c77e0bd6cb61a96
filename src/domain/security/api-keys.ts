/**
 * The form in which a refused API key is recorded: keys longer than 8
 * characters keep their first and last 4 around `***`; shorter ones are `***`.
 */
export function redactApiKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 4)}***${key.slice(-4)}` : '***';
}
