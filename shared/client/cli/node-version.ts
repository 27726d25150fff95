/**
 * The oldest Node.js `secrets` runs on: the major version of the package's `engines` (a test keeps
 * the two in step). Older ones are refused in one line rather than left to fail in odd ways.
 */
export const MIN_NODE_MAJOR = 24;

/** Why this Node.js cannot run the CLI, or undefined when it can. */
export function nodeTooOld(version: string, execPath: string): string | undefined {
  const major = Number.parseInt(version, 10);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return `secrets needs Node.js ${MIN_NODE_MAJOR} or later; this is Node.js ${version} (${execPath})`;
}
