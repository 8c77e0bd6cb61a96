/**
 * The CLI's way into a running embedded service. PGlite serves one process per
 * data folder, so while `npm start` holds it a CLI command cannot open the
 * stores; the service listens on a Unix socket inside the data folder (mode
 * 0600: only the user who owns the folder can connect) and runs the few
 * commands listed in `handlers` for it. One JSON request per connection, one
 * JSON answer. Never over the network.
 */
import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

export const ADMIN_SOCKET = 'admin.sock';
const MAX_REQUEST = 64 * 1024;

export type AdminRequest = { command: string; [field: string]: unknown };
export type AdminAnswer = { ok: true; result: unknown } | { ok: false; error: string; usage?: boolean };
export type AdminHandlers = Record<string, (request: AdminRequest) => Promise<unknown>>;

export const adminSocketPath = (dataDir: string) => join(dataDir, ADMIN_SOCKET);

/** Listens in `dataDir`; `describe` turns a handler's error into the one line the CLI prints. */
export async function serveAdminSocket(dataDir: string, handlers: AdminHandlers, describe: (error: unknown) => AdminAnswer): Promise<Server> {
  const path = adminSocketPath(dataDir);
  rmSync(path, { force: true }); // left by a process that was killed; the data folder lock says we own the folder
  const server = createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_REQUEST) socket.destroy();
      if (!text.includes('\n')) return;
      void answer(text.slice(0, text.indexOf('\n'))).then((a) => socket.end(`${JSON.stringify(a)}\n`));
    });
  });
  const answer = async (line: string): Promise<AdminAnswer> => {
    let request: AdminRequest;
    try {
      request = JSON.parse(line) as AdminRequest;
    } catch {
      return { ok: false, error: 'not JSON', usage: true };
    }
    const handler = Object.hasOwn(handlers, request.command) ? handlers[request.command] : undefined;
    if (!handler) return { ok: false, error: `the running service does not take ${String(request.command)}`, usage: true };
    try {
      return { ok: true, result: await handler(request) };
    } catch (error) {
      return describe(error);
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return server;
}

/** Sends one request to the service holding `dataDir`; rejects when nothing listens there. */
export function callAdminSocket(dataDir: string, request: AdminRequest, timeoutMs = 30_000): Promise<AdminAnswer> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(adminSocketPath(dataDir));
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from the service within ${timeoutMs / 1000} s`)));
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(JSON.parse(text) as AdminAnswer);
      } catch {
        reject(new Error('the service gave no answer'));
      }
    });
  });
}
