import { describe, expect, it } from 'vitest';
import { RuleViolationError } from '../../shared/domain/errors.ts';
import { keptRoleNames, roleNameOf } from '../../shared/domain/role-names.ts';
import { roleNamesGiven } from '../../shared/http/inputs.ts';

describe('role names', () => {
  it('keeps the name given now, else the last one kept, only for roles the secret names', () => {
    const roles = { readRoles: ['r', 'both'], writeRoles: ['w', 'both'] };
    expect(
      keptRoleNames(roles, { r: 'Readers (new)' }, { r: 'Readers', w: 'Writers', gone: 'Gone' }),
    ).toEqual({
      r: 'Readers (new)',
      w: 'Writers',
    });
    expect(keptRoleNames(roles, undefined, undefined)).toBeUndefined();
    // A name equal to the id says nothing the fallback does not.
    expect(keptRoleNames(roles, { both: 'both' })).toBeUndefined();
  });

  it('answers the kept name or the id, whatever the id (no prototype lookups)', () => {
    const secret = {
      roleNames: keptRoleNames({ readRoles: ['__proto__', 'x'], writeRoles: [] }, { x: 'X' }),
    };
    expect(roleNameOf(secret, 'x')).toBe('X');
    expect(roleNameOf(secret, '__proto__')).toBe('__proto__');
    expect(roleNameOf(secret, 'toString')).toBe('toString');
    expect(roleNameOf({}, 'y')).toBe('y');
  });

  it('reads the names of a body: empty means none; one id named two ways is refused', () => {
    expect(
      roleNamesGiven({
        read_roles: [{ id: 'a', name: 'A' }, { id: 'b', name: '' }, { id: 'c' }],
        write_roles: [
          { id: 'a', name: 'A' },
          { id: 'd', name: null },
        ],
      }),
    ).toEqual({ a: 'A' });
    expect(roleNamesGiven({ read_roles: null })).toBeUndefined();
    const conflict = () =>
      roleNamesGiven({
        read_roles: [{ id: 'a', name: 'A' }],
        write_roles: [{ id: 'b' }, { id: 'a', name: 'B' }],
      });
    expect(conflict).toThrow(RuleViolationError);
    expect(conflict).toThrow(expect.objectContaining({ property: 'write_roles[1].name' }));
  });
});
