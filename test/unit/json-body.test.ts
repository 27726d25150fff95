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

async function post(
  body: string,
  isBase64Encoded = false,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const event = {
    headers,
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
  it('reads a body without a Content-Type as JSON (PrivX Go SDK < v1.32); a type given must be JSON', async () => {
    expect(await post('{"name":"n"}', false, {})).toEqual({ status: 200, json: { received: { name: 'n' } } });
    expect((await post('{"name":"n"}', false, { 'content-type': ' ' })).status).toBe(200);
    expect((await post('{"name":', false, {})).json).toMatchObject({ error_code: 'BAD_REQUEST' });
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      // Any spelling of the header counts: an unnormalized one must not pass for an absent one.
      for (const name of ['content-type', 'Content-Type', 'CONTENT-TYPE']) {
        const reply = await post('{"name":"n"}', false, { [name]: type });
        expect(reply, `${name}: ${type}`).toMatchObject({
          status: 415,
          json: { error_code: 'UNSUPPORTED_MEDIA_TYPE' },
        });
      }
    }
    expect((await post('{"a":1}', false, { 'Content-Type': 'application/problem+json' })).status).toBe(200);
  });

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

  it('refuses the F7 body: member names given twice (last one would win) and negative zero', async () => {
    const reply = await post(
      '{"data":{"password":"A","password":"B","z":-0},"read_roles":[{"id":"a"}],"read_roles":[{"id":"b"}]}',
    );
    expect(reply.status).toBe(400);
    expect(reply.json.error_code).toBe('INVALID_REQUEST_DATA');
    expect(reply.json.details).toEqual([
      expect.objectContaining({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'data.password' }),
      expect.objectContaining({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'read_roles' }),
      expect.objectContaining({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'data.z' }),
    ]);
    expect(reply.json.details[0].error_message).toBe(
      'data.password is given more than once in its object: send each member name once',
    );
    expect(reply.json.details[2].error_message).toMatch(/^data\.z is negative zero/);
  });

  it('names every duplicated member at every depth, in document order, each name once', async () => {
    const reply = await post(
      '{"a":1,"b":{"c":[{"d":1,"e":{"f":1,"f":2,"f":3},"d":2}],"c":3},"a":2,"g":[[{"h":{},"h":[]}]]}',
    );
    expect(reply.status).toBe(400);
    expect(reply.json.details.map((detail: { property: string }) => detail.property)).toEqual([
      'b.c[0].e.f',
      'b.c[0].d',
      'b.c',
      'a',
      'g[0][0].h',
    ]);
    // A single duplicate is the error itself, with its property.
    const one = await post('{"data":{"list":[0,{"k":true,"k":true}]}}');
    expect(one.json).toMatchObject({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'data.list[1].k' });
  });

  it('compares member names after unescaping, and is not fooled by quotes, braces or commas in strings', async () => {
    for (const [body, property] of [
      ['{"data":{"a":1,"\\u0061":2}}', 'data.a'],
      ['{"data":{"x\\"y":1,"x\\u0022y":2}}', 'data.x"y'],
      ['{"data":{"\\\\":1,"\\u005c":2}}', 'data.\\'],
      ['{"data":{"\\ud83d\\ude00":1,"😀":2}}', 'data.😀'],
    ]) {
      const reply = await post(body!);
      expect(reply.status, body).toBe(400);
      expect(reply.json.property, body).toBe(property);
    }
    const kept = {
      data: {
        s: '{"k":1,"k":2}',
        t: '\\',
        'a\\': 1,
        a: 2,
        'q"': '","q":',
        u: 'a,b]}',
        one: { id: 1 },
        two: { id: 2 },
        list: [{ id: 1 }, { id: 1 }],
      },
    };
    expect(await post(JSON.stringify(kept))).toEqual({ status: 200, json: { received: kept } });
  });

  it('lists at most 20 duplicated members however many there are', async () => {
    const objects = Array.from({ length: 50 }, (_, i) => `"o${i}":{"k":1,"k":2,"k":3}`).join(',');
    const reply = await post(`{"data":{${objects}}}`);
    expect(reply.status).toBe(400);
    expect(reply.json.details).toHaveLength(20);
    expect(reply.json.details[19].property).toBe('data.o19.k');
  });

  it('judges a 250 KB body of 20k members and a 1,000-deep one in one pass', async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `"k${String(i).padStart(5, '0')}":100`);
    const wide = `{"data":{${keys.join(',')}}}`;
    expect(wide.length).toBeGreaterThan(250_000);
    const accepted = await post(wide);
    expect(accepted.status).toBe(200);
    expect(Object.keys(accepted.json.received.data)).toHaveLength(20_000);
    const refused = await post(`{"data":{${keys.join(',')},"k00000":100}}`);
    expect(refused.json).toMatchObject({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'data.k00000' });

    const deep = `${'{"a":'.repeat(1_000)}1${'}'.repeat(1_000)}`;
    expect((await post(deep)).status).toBe(200);
    const deepDuplicate = `${'{"a":'.repeat(999)}{"x":1,"x":2}${'}'.repeat(999)}`;
    const reply = await post(deepDuplicate);
    expect(reply.status).toBe(400);
    expect(reply.json.property).toBe(`${'a.'.repeat(999)}x`);
  });

  it('refuses negative zero however it is written, keeps zero however it is written', async () => {
    const reply = await post('{"data":{"a":-0,"b":-0.0,"c":-0e3,"d":[-0.000E-7],"e":-1e-400}}');
    expect(reply.status).toBe(400);
    expect(reply.json.details).toEqual([
      expect.objectContaining({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'data.a' }),
      expect.objectContaining({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'data.b' }),
      expect.objectContaining({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'data.c' }),
      expect.objectContaining({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'data.d[0]' }),
      // Underflow to -0 is a number not kept exactly, as 1e-400 is.
      expect.objectContaining({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'data.e' }),
    ]);
    expect(reply.json.details.map((detail: { error_message: string }) => detail.error_message)).toEqual([
      expect.stringMatching(/negative zero/),
      expect.stringMatching(/negative zero/),
      expect.stringMatching(/negative zero/),
      expect.stringMatching(/negative zero/),
      expect.stringMatching(/not kept exactly/),
    ]);
    const zeros = await post('{"a":0,"b":0.0,"c":0e3,"d":-0.5}');
    expect(zeros).toEqual({ status: 200, json: { received: { a: 0, b: 0, c: 0, d: -0.5 } } });
  });

  it('still refuses forbidden keys and says so, and a body nested beyond the stack', async () => {
    expect((await post('{"__proto__":{"admin":true}}')).json.error_message).toMatch(/forbidden key/);
    const deep = await post(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(deep.status).toBe(400);
    expect(deep.json.error_code).toBe('BAD_REQUEST');
  });
});
