#!/usr/bin/env node
/**
 * The `secrets` command (`secrets --help`; the CLI itself is in cli/). This entry only checks the
 * Node.js version, then loads the CLI: bundled (dist/cli.js) it is a few lines any Node parses,
 * so an older Node than the package's engines is refused in one line instead of doing nothing.
 */
import { nodeTooOld } from './cli/node-version.ts';

const tooOld = nodeTooOld(process.versions.node, process.execPath);
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exitCode = 1;
} else {
  const { main } = await import('./cli/process.ts');
  await main();
}
