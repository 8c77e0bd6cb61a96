import { navigate, pathWith, useLocation } from '../router.ts';

/** A list's filters, kept in the URL query: values for the fields named, and apply() to change them. */
export function useFilters(names: string[]) {
  const { path, search } = useLocation();
  const values = Object.fromEntries(names.map((n) => [n, search.get(n) ?? '']));
  const apply = (next: Record<string, string>) => navigate(pathWith(path, next));
  return { values, apply, key: names.map((n) => values[n]).join('\u0000') };
}
