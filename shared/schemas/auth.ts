/** The vault's own tokens: the IAM login (token exchange), its JWKS, and the deployer's mapping. */
import * as z from 'zod/mini';
import { mappingProblems } from '../domain/iam-login.ts';
import { SCOPES } from '../domain/model.ts';
import { idProblems } from '../domain/names.ts';
import { documented, droppable } from './fields.ts';

/** POST /auth/iam: the caller is the request's signer; the body says nothing (`{}` or none). */
export const IamLoginBody = /* @__PURE__ */ droppable(() =>
  z.optional(z.strictObject({}, { error: 'Request body must be an empty JSON object' })),
);

/** RFC 6749 §5.1, as an OAuth token endpoint answers. */
export const IamLoginResponse = /* @__PURE__ */ documented(() =>
  z.object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.int(),
  }),
);

/** RFC 7517: the public keys the vault signs its tokens with. */
export const JwksResponse = /* @__PURE__ */ documented(() =>
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
 * The deployer's mapping (IAM_LOGIN_PRINCIPALS, JSON), checked at cold start and at synth: a
 * subject or role the verifier would refuse, an unknown scope, an ARN that names no role or user,
 * or one principal mapped twice fails the function's start (or the synth) rather than a login.
 */
export const IamPrincipalsSetting = /* @__PURE__ */ droppable(() =>
  z
    .array(
      z.strictObject({
        arn: z.string(),
        subject: z.string().check(validId('subject')),
        scopes: z._default(z.array(z.enum(SCOPES)), []),
        roles: z._default(z.array(z.string().check(validId('role'))), []),
      }),
    )
    .check(
      z.superRefine((principals, ctx) => {
        for (const message of mappingProblems(principals)) ctx.addIssue({ code: 'custom', message });
      }),
    ),
);
