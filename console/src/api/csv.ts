import { ApiProblem, type Problem } from './client.ts';
import { session } from '../auth/session.ts';

/**
 * Downloads a list endpoint's CSV (`?format=csv`) with the signed-in token and
 * hands it to the browser as a file (an <a download> on a blob URL: no token in
 * any URL). Throws the API's problem when it refuses.
 */
export async function downloadCsv(path: string, query: Record<string, string | undefined>, filename: string): Promise<void> {
  const params = new URLSearchParams(Object.entries({ ...query, format: 'csv' }).filter((e): e is [string, string] => Boolean(e[1])));
  const send = () => fetch(`${path}?${params}`, { headers: { Authorization: `Bearer ${session.accessToken() ?? ''}`, Accept: 'text/csv' } });
  let res = await send();
  if (res.status === 401 && (await session.refresh())) res = await send();
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as Partial<Problem>;
    throw new ApiProblem({ type: body.type ?? 'about:blank', title: body.title ?? res.statusText, status: res.status, code: body.code ?? 'error', ...(body.detail ? { detail: body.detail } : {}) });
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
