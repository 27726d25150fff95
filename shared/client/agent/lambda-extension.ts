/**
 * The agent as an AWS Lambda external extension: it registers with the Extensions API for SHUTDOWN
 * only (so no invocation waits on it), then waits for that event. The agent is already listening
 * and its token file written when it registers, and Lambda runs the function's code only after
 * every extension has registered, so the function never finds the port closed.
 */
import { request } from 'node:http';
import { basename } from 'node:path';

/**
 * One call to the Extensions API. node:http rather than fetch: `event/next` is held open until
 * the next event, which may be hours away, and fetch gives up on an answer after five minutes.
 */
function call(
  api: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`http://${api}/2020-01-01/extension/${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Registers and waits for SHUTDOWN (or a signal: `stopped`); says which ended it. The name must be
 * the file name in /opt/extensions that started it: VAULT_AGENT_EXTENSION_NAME, else `vault-agent`.
 */
export async function runAsLambdaExtension(
  env: Record<string, string | undefined>,
  stopped: Promise<string>,
): Promise<string> {
  const api = env.AWS_LAMBDA_RUNTIME_API;
  if (!api)
    throw new Error('--lambda-extension needs AWS_LAMBDA_RUNTIME_API, which Lambda sets for extensions');
  const name = basename(env.VAULT_AGENT_EXTENSION_NAME || 'vault-agent');
  const registered = await call(
    api,
    'POST',
    'register',
    { 'Lambda-Extension-Name': name, 'Content-Type': 'application/json' },
    JSON.stringify({ events: ['SHUTDOWN'] }),
  );
  const id = registered.headers['lambda-extension-identifier'];
  if (registered.status !== 200 || typeof id !== 'string')
    throw new Error(`Lambda refused to register the extension "${name}" (HTTP ${registered.status})`);
  const shutdown = (async () => {
    for (;;) {
      const next = await call(api, 'GET', 'event/next', { 'Lambda-Extension-Identifier': id });
      if (next.status !== 200) throw new Error(`Lambda's event/next answered HTTP ${next.status}`);
      if ((JSON.parse(next.body) as { eventType?: string }).eventType === 'SHUTDOWN') return 'SHUTDOWN';
    }
  })();
  return Promise.race([shutdown, stopped]);
}
