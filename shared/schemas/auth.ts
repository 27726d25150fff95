/** The vault's own tokens: the IAM login (token exchange), its JWKS, and the deployer's mapping. */
// Classic zod, assignable to the operation table's schema types whichever zod flavour those name.
import * as z from 'zod';
import { mappingProblems } from '../domain/iam-login.ts';
import { SCOPES } from '../domain/model.ts';
import { idProblems } from '../domain/names.ts';
import { droppable } from './fields.ts';

/** POST /auth/iam: the caller is the request's signer; the body says nothing (`{}` or none). */
export const IamLoginBody = /* @__PURE__ */ droppable(() =>
  z.strictObject({}, { error: 'Request body must be an empty JSON object' }).optional(),
);

/** RFC 6749 §5.1, as an OAuth token endpoint answers. */
export const IamLoginResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
  }),
);

/** RFC 7517: the public keys the vault signs its tokens with. */
export const JwksResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    keys: z.array(
      z.looseObject({
        kty: z.string(),
        kid: z.string(),
        alg: z.string(),
        use: z.string(),
      }),
    ),
  }),
);

const validId = (property: string) =>
  z.superRefine((value: string, ctx) => {
    for (const problem of idProblems(value, property))
      ctx.addIssue({ code: 'custom', message: problem.message });
  });

/**
 * The deployer's mapping (IAM_LOGIN_PRINCIPALS, JSON), checked at cold start: a subject or role the
 * verifier would refuse, an unknown scope, an ARN that names no role or user, or one principal
 * mapped twice fails the function's start rather than a login.
 */
export const IamPrincipalsSetting = /* @__PURE__ */ droppable(() =>
  z
    .array(
      z.strictObject({
        arn: z.string(),
        subject: z.string().check(validId('subject')),
        scopes: z.array(z.enum(SCOPES)).default([]),
        roles: z.array(z.string().check(validId('role'))).default([]),
      }),
    )
    .check(
      z.superRefine((principals, ctx) => {
        for (const message of mappingProblems(principals)) ctx.addIssue({ code: 'custom', message });
      }),
    ),
);
