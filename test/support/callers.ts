import type { Caller } from '../../shared/domain/model.ts';

export const caller = (userId: string, scopes: string[], roles: string[] = []): Caller => ({
  userId,
  scopes: new Set(scopes),
  roles: new Set(roles),
});
