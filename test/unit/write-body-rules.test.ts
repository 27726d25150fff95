/**
 * What a create or update body may say about the secret it is sent to (issue 14, items 2 and 5):
 * PrivX's update body has no name, so real clients' `""` and path-escaped names mean "this one".
 */
import { describe, expect, it } from 'vitest';
import { RuleViolationError } from '../../shared/domain/errors.ts';
import { assertBodyMatches } from '../../shared/http/inputs.ts';
import { CreateSecretBody, UpdateSecretBody } from '../../shared/schemas.ts';

const shared = { name: 'app/db café' };
const personal = { name: 'app/db café', ownerId: 'pat smith' };

const refusal = (ref: typeof personal | typeof shared, body: object) => {
  try {
    assertBodyMatches(ref, body);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleViolationError);
    return error as RuleViolationError;
  }
  return undefined;
};

describe('names and owners in a write body', () => {
  it('treats an empty name, the same name and the path-escaped name (NFD too) as the path’s own', () => {
    for (const name of [
      undefined,
      null,
      '',
      'app/db café',
      'app%2Fdb%20caf%C3%A9',
      // privx-sdk-go v1 url.PathEscape of the name as typed in NFD (e + U+0301).
      'app%2Fdb%20cafe%CC%81',
      'app/db cafe\u0301',
    ]) {
      const body = UpdateSecretBody.parse({ name });
      expect(refusal(shared, body), String(name)).toBeUndefined();
      expect(refusal(personal, body), String(name)).toBeUndefined();
    }
  });

  it('refuses any other name, including one that only decodes to another, and malformed escapes', () => {
    for (const name of ['other', 'app%2Fdb', 'app%252Fdb%2520caf%25C3%25A9', 'app/db café%', '%E0%A4%A']) {
      expect(refusal(shared, UpdateSecretBody.parse({ name })), name).toMatchObject({
        code: 'RULE_VIOLATION',
        property: 'name',
      });
    }
  });

  it('ignores an empty owner_id; refuses another one, on a shared secret pointing at /user/{user_id}/secrets', () => {
    expect(refusal(shared, { owner_id: '' })).toBeUndefined();
    expect(refusal(shared, { owner_id: null })).toBeUndefined();
    const moved = refusal(shared, { owner_id: 'alice' });
    expect(moved).toMatchObject({ code: 'RULE_VIOLATION', property: 'owner_id' });
    expect(moved?.message).toContain('/user/{user_id}/secrets');
    // privx-sdk-go v1 sends url.PathEscape(owner) in the body of personal writes.
    expect(refusal(personal, { owner_id: 'pat smith' })).toBeUndefined();
    expect(refusal(personal, { owner_id: 'pat%20smith' })).toBeUndefined();
    expect(refusal(personal, { owner_id: 'alice' })).toMatchObject({ property: 'owner_id' });
  });

  it('lets a create leave out data or send null (the Go SDK omits nil data): the handler stores {}', () => {
    expect(CreateSecretBody.parse({ name: 'n' })).toEqual({ name: 'n' });
    expect(CreateSecretBody.parse({ name: 'n', data: null })).toEqual({ name: 'n', data: null });
    expect(CreateSecretBody.safeParse({ name: 'n', data: [] }).success).toBe(false);
  });
});
