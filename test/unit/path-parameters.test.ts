/**
 * A secret's name is decoded from the path exactly once, whichever API Gateway flavour delivers it:
 * REST APIs hand path parameters over percent-encoded, HTTP APIs (payload 1.0) already decoded.
 * Decoding an HTTP API's parameter again would read the name `a%41` as `aA`, another secret.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodedPathParameters } from '../../shared/http/validate.ts';

const restEvent = (name: string) => ({ pathParameters: { name } }) as unknown as APIGatewayProxyEvent;
const httpApiEvent = (name: string) =>
  ({ version: '1.0', pathParameters: { name } }) as unknown as APIGatewayProxyEvent;

describe('path parameters', () => {
  it.each([
    ['a%41', 'a%2541'],
    ['team/db', 'team%2Fdb'],
    ['100% sure', '100%25%20sure'],
  ])('the name %j arrives the same from a REST API (encoded) and an HTTP API (decoded)', (name, encoded) => {
    expect(decodedPathParameters(restEvent(encoded)).values.name).toBe(name);
    expect(decodedPathParameters(httpApiEvent(name)).values.name).toBe(name);
  });

  it('a REST parameter that is not valid percent-encoding is refused, naming it', () => {
    expect(decodedPathParameters(restEvent('%E0%A4%A')).problems).toEqual([
      expect.objectContaining({ code: 'VALUE_INCORRECT_FORMAT', property: 'name' }),
    ]);
  });
});
