/**
 * `secrets render`: a file from a template, with secrets in place of placeholders, for the
 * applications that read a configuration file rather than their environment. The file is created
 * 0600 (by open(2), never chmod after) and replaces the old one whole (a temporary file beside it,
 * renamed over it), so no reader ever sees it half written or readable by others.
 *
 * The syntax is one thing only: `{{ secret "name#field" }}` is the field's value, and
 * `{{ "text" }}` is the text as it stands (so `{{ "{{" }}` writes `{{`). Any other `{{` is an error,
 * with its line: a typo never ends in a file that silently lacks a secret.
 */

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CommandSpec } from '../command.ts';
import { Refusal, UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { parseRef, resolveRefs, type SecretRef } from './exec.ts';

type Part = { text: string } | { ref: SecretRef };

const PLACEHOLDER = /^\s*(?:secret\s+"([^"]*)"|"([^"]*)")\s*$/;

/** The template split into text and references; throws with the line of the first bad `{{`. */
export function parseTemplate(template: string, file: string): Part[] {
  const parts: Part[] = [];
  let at = 0;
  for (;;) {
    const open = template.indexOf('{{', at);
    if (open < 0) break;
    parts.push({ text: template.slice(at, open) });
    const line = template.slice(0, open).split('\n').length;
    const where = `${file}:${line}`;
    const close = template.indexOf('}}', open + 2);
    const inner = close < 0 ? undefined : template.slice(open + 2, close);
    const match = inner === undefined || inner.includes('\n') ? null : PLACEHOLDER.exec(inner);
    if (!match)
      throw new UsageError(
        `${where}: "{{" starts neither {{ secret "name#field" }} nor {{ "text" }} (write {{ "{{" }} for a literal {{)`,
      );
    parts.push(match[1] !== undefined ? { ref: parseRef(match[1], where) } : { text: match[2]! });
    at = close + 2;
  }
  parts.push({ text: template.slice(at) });
  return parts;
}

/** Creates `path` 0600 with `content`, via a new file beside it renamed over it. */
function writePrivate(path: string, content: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, content);
    closeSync(fd);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export const render: CommandSpec = {
  name: 'render',
  args: '<template>',
  positionals: { min: 1, max: 1 },
  summary: 'write a file from a template, with secrets in its placeholders',
  description: `In the template, {{ secret "name#field" }} is replaced by that field of the secret (e.g.
{{ secret "prod/db#password" }}), and {{ "text" }} by the text as written ({{ "{{" }} for a literal
{{). Any other {{ is an error, naming its line. Every secret is read before anything is written.
With --out the file is created with mode 0600 and replaced whole; an existing file that others may
read (mode broader than 0600) is left alone unless --force (it is then replaced by a 0600 one).
Without --out the result goes to stdout.
  secrets render config.tmpl --out config.ini`,
  options: {
    out: { type: 'string', value: '<file>', help: 'write here, mode 0600 (else stdout)' },
    force: { type: 'boolean', help: 'replace an --out file even if others may read it' },
  },
  async run(ctx) {
    const file = ctx.name();
    let template: string;
    try {
      template = file === '-' ? await ctx.io.stdin() : readFileSync(file, 'utf8');
    } catch (error) {
      throw new Refusal(EXIT.notFound, {
        error_code: 'TEMPLATE_UNREADABLE',
        error_message: `cannot read the template ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      });
    }
    const parts = parseTemplate(template, file);
    const out = ctx.string('out');
    if (out !== undefined && !ctx.flag('force')) {
      const mode = statOrUndefined(out)?.mode;
      if (mode !== undefined && (mode & 0o077) !== 0)
        throw new Refusal(EXIT.conflict, {
          error_code: 'FILE_NOT_PRIVATE',
          error_message: `${out} exists with mode ${(mode & 0o777).toString(8).padStart(4, '0')}, readable beyond its owner: not overwritten (--force replaces it with a 0600 file)`,
        });
    }
    const refs = parts.flatMap((part) => ('ref' in part ? [part.ref] : []));
    const values = refs.length === 0 ? [] : await resolveRefs(await ctx.session(), refs);
    let next = 0;
    const text = parts.map((part) => ('ref' in part ? values[next++]! : part.text)).join('');
    if (out === undefined) process.stdout.write(text);
    else writePrivate(out, text);
    return EXIT.ok;
  },
};

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
