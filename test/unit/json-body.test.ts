/**
 * The JSON body middleware, wrapped in a tiny middy handler with the error shaper: what API Gateway
 * hands the Lambda (a string, or base64 with isBase64Encoded for binary media types) becomes the
 * stored value exactly, or a shaped 400.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { errorShaper } from '../../shared/http/error-shaper.ts';
import { jsonBody } from '../../shared/http/json-body.ts';
import type { ApiEvent, ApiResult, VaultContext } from '../../shared/http/types.ts';

const handler = middy<ApiEvent, ApiResult, Error, VaultContext>()
  .use(errorShaper())
  .use(jsonBody())
  .handler(async (event) => ({ statusCode: 200, body: JSON.stringify({ received: event.body }) }));

async function post(body: string, isBase64Encoded = false) {
  const event = {
    headers: { 'content-type': 'application/json' },
    body,
    isBase64Encoded,
    requestContext: { requestId: 'trace-1' },
  } as unknown as ApiEvent;
  const result = await handler(event, { awsRequestId: 'trace-1' } as Context & VaultContext);
  return { status: result.statusCode, json: JSON.parse(result.body) };
}

const base64 = (bytes: number[] | string) =>
  (typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes)).toString('base64');

describe('JSON bodies', () => {
  it('decodes a base64 body as strict UTF-8: invalid bytes are a shaped 400, not U+FFFD', async () => {
    const bytes = [...Buffer.from('{"data":{"p":"a'), 0xff, ...Buffer.from('"}}')];
    const reply = await post(base64(bytes), true);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      error_code: 'BAD_REQUEST',
      error_message: 'Request body is not valid UTF-8',
      trace_id: 'trace-1',
    });
    // A truncated sequence and an encoded surrogate are refused the same way.
    for (const bad of [
      [0xe2, 0x82],
      [0xed, 0xa0, 0x80],
    ]) {
      expect(
        (await post(base64([...Buffer.from('{"p":"'), ...bad, ...Buffer.from('"}')]), true)).status,
      ).toBe(400);
    }
    const good = await post(base64('{"data":{"p":"é😀"}}'), true);
    expect(good).toEqual({ status: 200, json: { received: { data: { p: 'é😀' } } } });
  });

  it('refuses numbers JSON.parse would change and names each one', async () => {
    const reply = await post(
      '{"data":{"id":12345678901234567890,"list":[1,1e400],"x":0.30000000000000000001}}',
    );
    expect(reply.status).toBe(400);
    expect(reply.json.error_code).toBe('INVALID_REQUEST_DATA');
    expect(reply.json.details).toEqual([
      expect.objectContaining({ error_code: 'VALUE_OUT_OF_BOUNDS', property: 'data.id' }),
      expect.objectContaining({ error_code: 'VALUE_OUT_OF_BOUNDS', property: 'data.list[1]' }),
      expect.objectContaining({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'data.x' }),
    ]);
  });

  it('lists at most 20 refusals however many there are', async () => {
    const reply = await post(`{"data":{"n":[${Array(500).fill('1e999').join(',')}]}}`);
    expect(reply.status).toBe(400);
    expect(reply.json.details).toHaveLength(20);
  });

  it('judges a 200 KB number token in linear time (a quadratic check would take tens of seconds)', async () => {
    const started = performance.now();
    const reply = await post(`{"data":{"n":0.1${'0'.repeat(200_000)}1}}`);
    expect(reply.status).toBe(400);
    expect(reply.json.property).toBe('data.n');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('keeps numbers a double holds exactly, whatever their spelling', async () => {
    const reply = await post('{"a":9007199254740991,"b":-0.5e-3,"c":6.02E+23,"d":1.50,"e":0}');
    expect(reply).toEqual({
      status: 200,
      json: { received: { a: 9007199254740991, b: -0.0005, c: 6.02e23, d: 1.5, e: 0 } },
    });
  });

  it('still refuses forbidden keys and says so, and a body nested beyond the stack', async () => {
    expect((await post('{"__proto__":{"admin":true}}')).json.error_message).toMatch(/forbidden key/);
    const deep = await post(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(deep.status).toBe(400);
    expect(deep.json.error_code).toBe('BAD_REQUEST');
  });
});
