/**
 * Requests Node's HTTP parser refuses before any handler runs still get the error shape. fetch
 * will not send such requests, so these go over raw sockets.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { expectShapedError } from '../support/error-shape.ts';
import { baseUrl, type Reply } from '../support/http.ts';

const MARKER = 'hdr-marker-5c1e';

interface RawReply extends Reply {
  /** The server closed the connection after answering. */
  closed: boolean;
  raw: string;
}

/** Sends bytes as they are and reads every response until the server closes (or 5 s pass). */
function rawRequest(bytes: string): Promise<RawReply[]> {
  const { hostname, port } = new URL(baseUrl());
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let closed = false;
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => {
      closed = true;
    });
    // The server may reset once it has answered, while we are still sending: the answer counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponses(Buffer.concat(chunks).toString('latin1'), closed));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(bytes, 'latin1');
  });
}

function parseResponses(raw: string, closed: boolean): RawReply[] {
  const replies: RawReply[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`incomplete response: ${JSON.stringify(rest.slice(0, 200))}`);
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = new Headers();
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    const length = Number(headers.get('content-length') ?? 0);
    const text = rest.slice(end + 4, end + 4 + length);
    rest = rest.slice(end + 4 + length);
    const json = (() => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    })();
    replies.push({ status: Number(statusLine!.split(' ')[1]), headers, text, json, closed, raw });
  }
  return replies;
}

const request = (headers: string[], body = '', method = 'GET', path = '/vault/api/v1/secrets') =>
  `${method} ${path} HTTP/1.1\r\nHost: localhost\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`;

function expectRefused(replies: RawReply[], status: number, code: string) {
  expect(replies, JSON.stringify(replies.map((r) => r.raw.slice(0, 300)))).toHaveLength(1);
  const [reply] = replies as [RawReply];
  expectShapedError(reply, status, code);
  expect(reply.headers.get('connection')).toBe('close');
  expect(reply.headers.get('cache-control')).toBe('no-store');
  expect(reply.closed).toBe(true);
  // Nothing of what was refused comes back.
  expect(reply.raw).not.toContain(MARKER);
}

describe('requests the HTTP parser refuses are shaped errors, and the connection closes', () => {
  it('an oversize header (a 200 KB bearer token) is a shaped 431', async () => {
    const token = `${MARKER}${'a'.repeat(200 * 1024)}`;
    expectRefused(await rawRequest(request([`Authorization: Bearer ${token}`])), 431, 'PAYLOAD_TOO_LARGE');
  });

  it('an oversize cookie (20 KB) is a shaped 431', async () => {
    const cookie = `session=${MARKER}${'b'.repeat(20 * 1024)}`;
    expectRefused(await rawRequest(request([`Cookie: ${cookie}`])), 431, 'PAYLOAD_TOO_LARGE');
  });

  it('a control character in a header value is a shaped 400', async () => {
    expectRefused(await rawRequest(request([`X-Note: ${MARKER}\x01${MARKER}`])), 400, 'BAD_REQUEST');
  });

  it('bad chunked encoding is a shaped 400', async () => {
    const body = `zz\r\n{"data":"${MARKER}"}\r\n0\r\n\r\n`;
    expectRefused(
      await rawRequest(
        request(['Content-Type: application/json', 'Transfer-Encoding: chunked'], body, 'POST'),
      ),
      400,
      'BAD_REQUEST',
    );
  });

  it('a bad chunk after a good one (the handler already running) is a shaped 400', async () => {
    const body = `5\r\n{"a":\r\nzz\r\n${MARKER}\r\n0\r\n\r\n`;
    expectRefused(
      await rawRequest(
        request(['Content-Type: application/json', 'Transfer-Encoding: chunked'], body, 'POST'),
      ),
      400,
      'BAD_REQUEST',
    );
  });

  it('Content-Length beside Transfer-Encoding (request smuggling) is a shaped 400', async () => {
    const body = `0\r\n\r\nGET /vault/api/v1/status?${MARKER} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
    expectRefused(
      await rawRequest(
        request(['Content-Length: 6', 'Transfer-Encoding: chunked'], body, 'POST', '/vault/api/v1/secrets'),
      ),
      400,
      'BAD_REQUEST',
    );
  });

  it('garbage instead of HTTP is a shaped 400', async () => {
    expectRefused(await rawRequest(`${MARKER}\r\n\r\n`), 400, 'BAD_REQUEST');
  });

  it('on a kept-alive connection, earlier requests keep their own answers; the bad one gets the shaped 400 last', async () => {
    const good = request([]);
    const replies = await rawRequest(`${good}${good}${request([`X-Note: ${MARKER}\x7f`])}`);
    expect(replies.map((reply) => reply.status)).toEqual([401, 401, 400]);
    for (const reply of replies.slice(0, 2)) expectShapedError(reply, 401, 'UNAUTHENTICATED');
    expectRefused(replies.slice(2), 400, 'BAD_REQUEST');
  });
});
