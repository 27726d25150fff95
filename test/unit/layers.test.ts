/**
 * Lower layers never import upper ones (issue 20): `shared/` (the domain, its adapters, the HTTP
 * stack, the client) never reaches into `infra/` (CDK and local tooling) or `lambdas/` (entry
 * points), and `shared/domain/` depends on nothing of ours outside itself, so it stays free of
 * AWS types and wiring. Read from the sources, so a new import that breaks the rule fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ts$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Every relative module a file imports (static, dynamic, re-export), as repo paths. */
function importsOf(file: string, text = readFileSync(join(ROOT, file), 'utf8')): string[] {
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  return specifiers.map((specifier) => relative(ROOT, resolve(ROOT, dirname(file), specifier)));
}

const offences = (files: string[], allowed: (target: string) => boolean) =>
  files.flatMap((file) =>
    importsOf(file)
      .filter((target) => !allowed(target))
      .map((target) => `${file} → ${target}`),
  );

describe('layers', () => {
  it('nothing under shared/ imports infra/ or lambdas/', () => {
    expect(offences(sources('shared'), (target) => !/^(infra|lambdas)\//.test(target))).toEqual([]);
  });

  it('shared/domain/ imports nothing of ours outside itself', () => {
    expect(offences(sources('shared/domain'), (target) => target.startsWith('shared/domain/'))).toEqual([]);
  });

  it('sees every form of import (static, type-only, dynamic, re-export)', () => {
    const text = [
      "import { a } from '../../infra/local/a.ts';",
      "import type { B } from '../../lambdas/b/handler.ts';",
      "const c = await import('../../infra/c.ts');",
      "export { d } from '../domain/d.ts';",
    ].join('\n');
    expect(importsOf('shared/client/x.ts', text)).toEqual([
      'infra/local/a.ts',
      'lambdas/b/handler.ts',
      'infra/c.ts',
      'shared/domain/d.ts',
    ]);
  });
});

describe('named errors', () => {
  it('every error class under shared/ carries its own name (logs and clients tell errors by name)', () => {
    const unnamed = sources('shared').flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return [...text.matchAll(/class (\w+) extends (\w*Error)\b[^{]*\{([\s\S]*?)\n\}/g)]
        .filter(([, , base, body]) => {
          // VaultError names every subclass after itself (new.target.name).
          if (base !== 'Error' && base !== 'TypeError') return false;
          return !/this\.name = |override (readonly )?name = /.test(body ?? '');
        })
        .map(([, name]) => `${file}: ${name}`);
    });
    expect(unnamed).toEqual([]);
  });
});

describe('SDK clients', () => {
  it('are built only in shared/aws/clients.ts, so every one has the bounded waits (a bare client hangs as long as the network lets it)', () => {
    const built = [...sources('shared'), ...sources('lambdas'), ...sources('infra')].flatMap((file) => {
      if (file === 'shared/aws/clients.ts') return [];
      const text = readFileSync(join(ROOT, file), 'utf8');
      const fromSdk = [...text.matchAll(/import \{([^}]*)\} from '@aws-sdk\/[^']+'/g)].flatMap((m) =>
        m[1]!.split(',').map((name) => name.replace(/^\s*type\s+/, '').trim()),
      );
      return fromSdk
        .filter((name) => /Client$|^S3$/.test(name))
        .filter((name) => new RegExp(`new ${name}\\(|${name}\\.from\\(`).test(text))
        .map((name) => `${file}: ${name}`);
    });
    expect(built).toEqual([]);
  });
});
