import { describe, expect, it } from 'vitest';
import { wantsProblem } from '../../shared/http/error-body.ts';

describe('errors as problem details (RFC 9457) only when the client prefers them', () => {
  it('answers problem+json when asked for it, alone or first among equals', () => {
    expect(wantsProblem('application/problem+json')).toBe(true);
    expect(wantsProblem('Application/Problem+JSON; charset=utf-8')).toBe(true);
    expect(wantsProblem('application/problem+json, application/json')).toBe(true);
    expect(wantsProblem('application/json;q=0.5, application/problem+json')).toBe(true);
  });

  it('keeps the PrivX shape when problem+json is refused, ranked lower, or not named', () => {
    expect(wantsProblem(undefined)).toBe(false);
    expect(wantsProblem('*/*')).toBe(false);
    expect(wantsProblem('application/json')).toBe(false);
    expect(wantsProblem('application/problem+json;q=0')).toBe(false);
    expect(wantsProblem('application/problem+json;q=0.3, application/json')).toBe(false);
  });
});
