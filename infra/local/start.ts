/**
 * `npm start`: the vault API on http://127.0.0.1:$PORT (default 8080) on real local parts.
 *   --port <n>       listen port (0: any free port); also $PORT
 *   --in-memory      keep no data between runs; also VAULT_IN_MEMORY=1
 *   --state-dir <d>  where state lives (default .local); also VAULT_STATE_DIR
 *   --sweep-seconds <n>  how often due rotations run (default 10); also VAULT_SWEEP_SECONDS
 *
 * Refused in one line, no stack: a port in use and a state folder another vault holds (before
 * anything starts), a kms.json that cannot read the data (before DynamoDB Local starts), a missing
 * Java. Progress is printed step by step; when ready, the lines to paste into another shell.
 * Whatever ends the process (a signal at any step, an error), DynamoDB Local (Java) ends with it.
 *   VAULT_START_HOLD_AFTER=<step>  tests only: stay at that step until a signal comes
 */
import { parseArgs } from 'node:util';
import { portInUse } from './free-port.ts';
import type { LocalRuntime, StartStep } from './runtime.ts';
import { LocalStartError } from './start-error.ts';
import { lockStateDir, type StateLock } from './state-lock.ts';

const USAGE =
  'Usage: npm start -- [--port <n>] [--in-memory] [--state-dir <dir>] [--sweep-seconds <n>] (npm start -- --help for more)';
const HELP = `${USAGE}
  --port <n>           listen port, 0 for any free one (default $PORT or 8080)
  --in-memory          keep no data between runs (also VAULT_IN_MEMORY=1)
  --state-dir <dir>    where data, keys and the dev token issuer live (default $VAULT_STATE_DIR or .local)
  --sweep-seconds <n>  how often due rotations run (default $VAULT_SWEEP_SECONDS or 10)
Needs Java 17 or later for DynamoDB Local.`;
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type StopSignal = keyof typeof SIGNAL_NUMBERS;
/** Tests only: wait after this step until a signal comes, to stop the start exactly there. */
const HOLD_AFTER = process.env.VAULT_START_HOLD_AFTER;

const began = performance.now();
const seconds = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;
const controller = new AbortController();
let runtime: LocalRuntime | undefined;
let lock: StateLock | undefined;
let stopping = false;

// Installed before anything starts: a signal's default action would skip the exit hooks.
function onSignal(signal: StopSignal): void {
  if (stopping) process.exit(128 + SIGNAL_NUMBERS[signal]);
  stopping = true;
  // A stop that hangs still ends, and the exit hooks still stop Java.
  setTimeout(() => {
    console.error('Stopping took over 10 s: exiting anyway.');
    process.exit(1);
  }, 10_000).unref();
  if (runtime) runtime.close().then(() => process.exit(0));
  else controller.abort(signal);
}
for (const signal of Object.keys(SIGNAL_NUMBERS) as StopSignal[]) process.on(signal, onSignal);
process.on('exit', () => lock?.release());

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string', default: process.env.PORT ?? '8080' },
        'in-memory': { type: 'boolean', default: ['1', 'true'].includes(process.env.VAULT_IN_MEMORY ?? '') },
        'state-dir': { type: 'string', default: process.env.VAULT_STATE_DIR ?? '.local' },
        'sweep-seconds': { type: 'string', default: process.env.VAULT_SWEEP_SECONDS ?? '10' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return values;
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
}

const values = options();
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be a whole number from 0 to 65535, not "${values.port}".\n${USAGE}`, 2);
const sweepSeconds = Number(values['sweep-seconds']);
if (!(sweepSeconds > 0))
  fail(`--sweep-seconds must be a positive number, not "${values['sweep-seconds']}".`, 2);
const inMemory = values['in-memory'];
const stateDirArg = values['state-dir'];

const portTaken = () =>
  `Port ${port} is in use (another vault, or another program): stop what holds it, or choose another with --port <n> or PORT=<n> (0: any free port).`;
// The port can still be taken between the check and the listen: the same line then.
process.on('uncaughtException', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') fail(portTaken());
  console.error(error);
  process.exit(1);
});

function progress(step: StartStep): Promise<void> | undefined {
  const say = (line: string) => console.log(`  ${line} (${seconds()})`);
  if (step.step === 'kms') say(`KMS endpoint ready on ${step.url}`);
  if (step.step === 'dynamodb-spawned') say(`Starting DynamoDB Local (Java, pid ${step.pid}): a few seconds`);
  if (step.step === 'dynamodb') say(`DynamoDB Local ready on ${step.endpoint}`);
  if (step.step === 'table') say(`Table ${step.tableName} ready; starting the API server`);
  if (step.step !== HOLD_AFTER) return undefined;
  return new Promise((_, reject) =>
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
  );
}

// Read before the runtime sets it for the handlers: whether the mapping came from the environment.
const mappedByEnv = Boolean(process.env.IAM_LOGIN_PRINCIPALS?.trim());
try {
  // Even in memory: the dev issuer key, the API clients and the events file live there.
  lock = lockStateDir(stateDirArg);
  if (port !== 0 && (await portInUse(port))) throw new LocalStartError(portTaken());
  console.log(`Starting the local vault (state: ${inMemory ? 'in memory' : stateDirArg})`);
  // Loaded only now, so that the refusals above come at once.
  const { startLocalRuntime } = await import('./runtime.ts');
  runtime = await startLocalRuntime({
    port,
    stateDir: stateDirArg,
    inMemory,
    sweepSeconds,
    signal: controller.signal,
    onStep: progress,
  });
} catch (error) {
  if (controller.signal.aborted) {
    const signal = controller.signal.reason as StopSignal;
    console.error(`Stopped by ${signal} before the vault was ready; nothing is left running.`);
    process.exit(128 + SIGNAL_NUMBERS[signal]);
  }
  if (error instanceof LocalStartError) fail(error.message);
  throw error;
}

const { devIssuer } = await import('./dev-issuer.ts');
const token = await (await devIssuer(runtime.stateDir)).mint({
  sub: 'dev',
  scopes: ['user', 'vaultAdd', 'vaultManage', 'admin'],
  roles: ['dev'],
});
const tokenStateDir = stateDirArg === '.local' ? '' : ` --state-dir ${stateDirArg}`;

console.log(`Vault API listening on ${runtime.apiUrl} (ready in ${seconds()})`);
console.log(`State: ${inMemory ? 'in memory (discarded on exit)' : runtime.stateDir}`);
console.log(
  `Change events: ${runtime.eventsFile} (also GET ${runtime.url}/__local/events with header x-vault-local: 1)`,
);
console.log(
  `More tokens: npm run --silent token -- --sub alice --scopes user,vaultAdd --roles ops,dev${tokenStateDir}`,
);
const { DEFAULT_LOCAL_IAM_ARN, principalsFile } = await import('./iam-login-local.ts');
console.log(
  `IAM login (SigV4) as ${process.env.VAULT_LOCAL_IAM_ARN?.trim() || DEFAULT_LOCAL_IAM_ARN}: AWS_ACCESS_KEY_ID=local ` +
    `AWS_SECRET_ACCESS_KEY=local npm run --silent secrets -- login --iam (who gets what: ${mappedByEnv ? 'IAM_LOGIN_PRINCIPALS' : principalsFile(runtime.stateDir)})`,
);
console.log(
  '\nTo use this vault from another shell (secrets CLI, curl), paste (the token: user "dev", scopes user vaultAdd vaultManage admin, role dev, 1 hour):',
);
console.log(`export VAULT_URL=${runtime.apiUrl}`);
console.log(`export VAULT_TOKEN=${token}`);
console.log('Stop with Ctrl-C.');
