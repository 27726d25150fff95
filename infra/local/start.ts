/**
 * `npm start`: the vault API on http://127.0.0.1:$PORT (default 8080) on real local parts.
 *   --port <n>       listen port (0: any free port); also $PORT
 *   --in-memory      keep no data between runs; also VAULT_IN_MEMORY=1
 *   --state-dir <d>  where state lives (default .local); also VAULT_STATE_DIR
 *   --sweep-seconds <n>  how often due rotations run (default 10); also VAULT_SWEEP_SECONDS
 */
import { parseArgs } from 'node:util';
import { devIssuer } from './dev-issuer.ts';
import { startLocalRuntime } from './runtime.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    'in-memory': { type: 'boolean', default: ['1', 'true'].includes(process.env.VAULT_IN_MEMORY ?? '') },
    'state-dir': { type: 'string', default: process.env.VAULT_STATE_DIR ?? '.local' },
    'sweep-seconds': { type: 'string', default: process.env.VAULT_SWEEP_SECONDS ?? '10' },
  },
});

const runtime = await startLocalRuntime({
  port: Number(values.port),
  stateDir: values['state-dir'],
  inMemory: values['in-memory'],
  sweepSeconds: Number(values['sweep-seconds']),
});
const token = await (await devIssuer(runtime.stateDir)).mint({
  sub: 'dev',
  scopes: ['user', 'vaultAdd', 'vaultManage', 'admin'],
  roles: ['dev'],
});

console.log(`Vault API listening on ${runtime.apiUrl}`);
console.log(`State: ${values['in-memory'] ? 'in memory (discarded on exit)' : runtime.stateDir}`);
console.log('A token for user "dev" (scopes user vaultAdd vaultManage admin, role dev), valid 1 hour:');
console.log(token);
console.log('More tokens: npm run --silent token -- --sub alice --scopes user,vaultAdd --roles ops,dev');
console.log(`Change events: ${runtime.eventsFile} (also GET ${runtime.url}/__local/events)`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await runtime.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
