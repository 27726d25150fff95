/**
 * `secrets agent --lambda-extension`: the agent as a Lambda external extension. Lambda's
 * Extensions API cannot run here, so a stand-in serves its two calls as the Lambda documentation
 * describes them (register, then event/next held until an event); everything else is the real
 * built CLI as a process.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, cliUser, closedPort } from '../support/cli.ts';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const seen: Seen[] = [];
let sendShutdown: (() => void) | undefined;
let tokenFileAtRegister: boolean | undefined;
let tokenFile = '';

/** The Extensions API's register and event/next, as Lambda answers them. */
const lambda = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    seen.push({ method: req.method!, path: req.url!, headers: req.headers, body });
    if (req.url === '/2020-01-01/extension/register') {
      tokenFileAtRegister = existsSync(tokenFile);
      res.writeHead(200, { 'Lambda-Extension-Identifier': 'ext-id-1', 'Content-Type': 'application/json' });
      res.end('{"functionName":"fn","functionVersion":"$LATEST","handler":"index.handler"}');
    } else if (req.url === '/2020-01-01/extension/event/next') {
      sendShutdown = () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"eventType":"SHUTDOWN","shutdownReason":"spindown","deadlineMs":2000}');
      };
    } else {
      res.writeHead(404).end();
    }
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
});

afterAll(() => {
  lambda.close();
});

describe('secrets agent --lambda-extension', () => {
  it('listens and writes its token before it registers (SHUTDOWN only), serves the function, and exits 0 on SHUTDOWN', async () => {
    const user = cliUser();
    tokenFile = join(user.home, 'vault-agent-token');
    const runtimeApi = `127.0.0.1:${(lambda.address() as { port: number }).port}`;
    const agent = spawn(
      process.execPath,
      [
        await builtCli(),
        'agent',
        '--lambda-extension',
        '--port',
        '0',
        '--listen',
        '127.0.0.1',
        '--token-file',
        tokenFile,
      ],
      {
        cwd: user.cwd,
        env: {
          PATH: process.env.PATH ?? '',
          ...user.env,
          AWS_LAMBDA_RUNTIME_API: runtimeApi,
          VAULT_AGENT_EXTENSION_NAME: 'vault-agent',
          // No vault is needed to start: the agent reads only when asked.
          VAULT_URL: `http://127.0.0.1:${await closedPort()}/vault/api/v1`,
          VAULT_TOKEN: 'a-token-the-agent-never-needs-here',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    agent.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exited = new Promise<number | null>((resolve) => agent.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 400 && !sendShutdown && agent.exitCode === null; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sendShutdown, err).toBeDefined();

    const register = seen.find((call) => call.path.endsWith('/register'))!;
    expect(register.method).toBe('POST');
    expect(register.headers['lambda-extension-name']).toBe('vault-agent');
    expect(JSON.parse(register.body)).toEqual({ events: ['SHUTDOWN'] });
    expect(tokenFileAtRegister).toBe(true);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const next = seen.find((call) => call.path.endsWith('/event/next'))!;
    expect(next.headers['lambda-extension-identifier']).toBe('ext-id-1');

    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)![1];
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect((await fetch(`http://127.0.0.1:${port}/ping`)).status).toBe(200);
    // The vault is unreachable: the agent answers for it, in the error shape.
    const read = await fetch(`http://127.0.0.1:${port}/secrets/db`, {
      headers: { 'X-Vault-Agent-Token': token },
    });
    expect(read.status).toBe(502);
    expect(((await read.json()) as { error_code: string }).error_code).toBe(
      'INTRA_SERVICE_COMMUNICATION_ERROR',
    );

    sendShutdown!();
    expect(await exited).toBe(0);
    expect(existsSync(tokenFile)).toBe(false);
    expect(err).toContain('"reason":"SHUTDOWN"');
  });
});
