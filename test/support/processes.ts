/**
 * Processes a test started, found as Linux lists them: by a marker on their command line (a run's
 * own state folder, which both node (--state-dir) and DynamoDB Local (-dbPath) carry).
 */
import { readdirSync, readFileSync } from 'node:fs';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Live processes (zombies aside) whose command line names `marker`, as "pid command". */
export function processesNaming(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && command.includes(marker)) found.push(`${pid} ${command}`);
    } catch {
      // Gone while listed.
    }
  }
  return found;
}

/** Waits a little for processes to be gone (a killed JVM takes a moment), then tells what remains. */
export async function remainingProcesses(marker: string): Promise<string[]> {
  const deadline = Date.now() + 3000;
  while (processesNaming(marker).length > 0 && Date.now() < deadline) await sleep(100);
  return processesNaming(marker);
}

/**
 * The JVM options of every DynamoDB Local a test run starts (vitest.config.ts sets them as
 * JAVA_TOOL_OPTIONS): C1 only, one compiler thread, serial GC. Quicker to start, and less CPU over
 * a test run's few minutes than C2 and the parallel GC on two cores.
 */
export const QUICK_JVM = '-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC';
