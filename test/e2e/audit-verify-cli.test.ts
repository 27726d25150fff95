/**
 * `npm run audit:verify` through the API as a user runs it (issue 17, item 12): a real process,
 * the URL and token from VAULT_URL and VAULT_TOKEN as the `secrets` CLI takes them, and a name with
 * no trail is not "intact".
 */
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { closedPort, oneLine } from '../support/cli.ts';
import { apiUrl, call, token, uniqueName } from '../support/http.ts';

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** `node infra/tools/verify-audit.ts <args>` with PATH and `env` only (no VAULT_* of the test's own). */
function verifyAudit(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['infra/tools/verify-audit.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

let auditor: string;
let writer: string;

beforeAll(async () => {
  auditor = await token({ sub: 'audit-verifier', scopes: ['admin'] });
  writer = await token({ sub: 'audit-writer', scopes: ['vaultAdd', 'vaultManage'] });
});

describe('audit:verify through the API, with VAULT_URL and VAULT_TOKEN', () => {
  it('a secret with a trail is intact (exit 0); a name with no trail says "no audit entries for <name>" and exits 1', async () => {
    const env = { VAULT_URL: apiUrl(''), VAULT_TOKEN: auditor };
    const name = uniqueName('audit-verify/kept');
    const created = await call('POST', '/secrets', {
      token: writer,
      body: { name, data: { v: 'audit-verify-value' }, read_roles: [{ id: 'readers' }] },
    });
    expect(created.status, created.text).toBe(201);
    const intact = await verifyAudit(['--secret', name], env);
    expect(intact.err).toBe('');
    expect(intact.out).toContain(`audit trail of "${name}" intact: 1 entries`);
    expect(intact.code).toBe(0);

    const missing = uniqueName('audit-verify/never-written');
    const none = await verifyAudit(['--secret', missing], env);
    expect(none.out).toBe(`no audit entries for ${missing}\n`);
    expect(none.out).not.toMatch(/intact/);
    expect(none.code).toBe(1);
    // The same with the URL on the command line and the token from the environment.
    const byOption = await verifyAudit(['--secret', missing, '--url', apiUrl('')], { VAULT_TOKEN: auditor });
    expect(byOption.out).toBe(`no audit entries for ${missing}\n`);
    expect(byOption.code).toBe(1);
  });

  it('an unreachable vault, a token that may not read the audit, or a wrong option: one line, exit 2', async () => {
    const name = uniqueName('audit-verify/any');
    const unreachable = await verifyAudit(['--secret', name], {
      VAULT_URL: `http://127.0.0.1:${await closedPort()}/vault/api/v1`,
      VAULT_TOKEN: auditor,
    });
    expect(unreachable.code).toBe(2);
    expect(unreachable.err).toMatch(/^could not check: .* unreachable/);
    expect(oneLine(unreachable.err), unreachable.err).toBe(true);

    const refused = await verifyAudit(['--secret', name], { VAULT_URL: apiUrl(''), VAULT_TOKEN: writer });
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^could not check: GET \/audit answered 403/);
    expect(oneLine(refused.err), refused.err).toBe(true);

    const wrong = await verifyAudit(['--secret', name, '--no-such-option'], {});
    expect(wrong.code).toBe(2);
    expect(oneLine(wrong.err), wrong.err).toBe(true);
    const help = await verifyAudit(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/VAULT_URL/);
    expect(help.out).toMatch(/no audit entries for <name>/);
  });
});
