import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_JSON } from './middleware/errors.js';
import { problemBody } from './problem.js';

/** How long a refused connection may stay open for the peer to read the answer. */
const LINGER_MS = 2_000;

interface Refusal {
  status: number;
  code: string;
  detail: string;
}

/** Node's parser and timeout errors, as the problems Node itself would answer (its default is a bare status line). */
function refusalOf(code: string | undefined): Refusal {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', detail: 'The request headers are larger than the server accepts.' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large', detail: 'The chunk extensions of the request body are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', detail: 'The request did not arrive in time.' };
    default:
      return { status: 400, code: 'bad_request', detail: 'The request is not valid HTTP.' };
  }
}

/**
 * The http server's `clientError` listener: a request Node's parser refuses
 * (headers too large, a broken request line or header, a request that never
 * finished arriving) is answered with a minimal problem+json on the raw socket,
 * then the connection closes. Nothing of the request is echoed. As in Node's
 * default, nothing is written when the socket is gone or an answer on it has
 * already begun.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // The response in flight on this connection, if any (Node's own default checks the same).
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || error.code === 'ECONNRESET' || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, code, detail } = refusalOf(error.code);
  const body = JSON.stringify(problemBody(status, code, detail));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Content-Type: ${PROBLEM_JSON}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
  // A peer that never closes its side must not keep the connection.
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
