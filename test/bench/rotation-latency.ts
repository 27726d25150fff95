/**
 * Local rotation latency: on-demand rotations through the four steps (a local rotator module
 * standing in for a rotator Lambda), how long until each rotation's event reaches the sink, and
 * one scheduled rotation's lag behind its due time. Prints; not a test.
 *   node test/bench/rotation-latency.ts [--rotations 20] [--scheduled]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devIssuer } from '../../infra/local/dev-issuer.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';

const { values } = parseArgs({
  options: { rotations: { type: 'string', default: '20' }, scheduled: { type: 'boolean', default: false } },
});
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
const runtime = await startLocalRuntime({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), 'vault-rot-')),
  inMemory: true,
  sweepSeconds: 1,
});
const token = await (await devIssuer(runtime.stateDir)).mint({
  sub: 'ops',
  scopes: ['user', 'vaultAdd', 'vaultManage'],
  roles: ['app'],
});
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
const api = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${runtime.apiUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
const eventCount = (type: string) =>
  readFileSync(runtime.eventsFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"${type}"`)).length;
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;

await api('/secrets', 'POST', {
  name: 'db',
  data: { user: 'app', password: 'p0' },
  read_roles: [{ id: 'app' }],
  write_roles: [{ id: 'app' }],
});
await api('/rotation/secrets/db', 'PUT', {
  rotator: { type: 'lambda', arn: 'local:demo-database' },
  schedule: 'rate(1 day)',
});
const rotate: number[] = [];
const delivery: number[] = [];
for (let i = 0; i < Number(values.rotations); i++) {
  const before = eventCount('Secret Rotation Succeeded');
  const started = performance.now();
  const reply = await api('/rotate/secrets/db', 'POST');
  if (reply.status !== 200) throw new Error(`rotate: ${reply.status} ${await reply.text()}`);
  rotate.push(performance.now() - started);
  const answered = performance.now();
  while (eventCount('Secret Rotation Succeeded') === before)
    await new Promise((done) => setTimeout(done, 10));
  delivery.push(performance.now() - answered);
}
console.log(
  `on-demand rotation (4 steps, local rotator), ${rotate.length} runs: median ${quantile(rotate, 0.5).toFixed(1)} ms, max ${Math.max(...rotate).toFixed(1)} ms`,
);
console.log(
  `event in the local sink after the response: median ${quantile(delivery, 0.5).toFixed(0)} ms, max ${Math.max(...delivery).toFixed(0)} ms (stream polled every 250 ms)`,
);

if (values.scheduled) {
  // Runs may not be closer than 4 hours: a daily cron at the next minute at least 30 s away.
  const at = new Date(Math.ceil((Date.now() + 30_000) / 60_000) * 60_000);
  const schedule = `cron(${at.getUTCMinutes()} ${at.getUTCHours()} * * ? *)`;
  const configured = (await (
    await api('/rotation/secrets/db', 'PUT', { rotator: { type: 'password' }, schedule })
  ).json()) as {
    rotation: { next_rotation: string };
  };
  const due = Date.parse(configured.rotation.next_rotation);
  let rotated: string | undefined;
  while (!rotated) {
    const secret = (await (await api('/metadata/secrets/db')).json()) as {
      rotation?: { last_rotated?: string };
    };
    if (secret.rotation?.last_rotated && Date.parse(secret.rotation.last_rotated) >= due)
      rotated = secret.rotation.last_rotated;
    else await new Promise((done) => setTimeout(done, 250));
  }
  console.log(
    `scheduled rotation (${schedule}, sweeper every 1 s locally): ran ${Date.parse(rotated) - due} ms after it was due`,
  );
}
await runtime.close();
process.exit(0);
