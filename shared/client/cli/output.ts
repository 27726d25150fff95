/** How results look on stdout: a table for people; JSON, YAML or `KEY=value` lines for programs. */
import { UsageError } from './errors.ts';

export const FORMATS = ['table', 'json', 'yaml', 'env'] as const;
export type Format = (typeof FORMATS)[number];

const cell = (value: unknown) =>
  value === undefined || value === null
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

export function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row[column]).length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.toUpperCase())),
    ...rows.map((row) => line(columns.map((column) => cell(row[column])))),
  ].join('\n');
}

/** One record as `key  value` lines (whoami); a list as its items, `none` when empty. */
export function fields(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  const text = (value: unknown) =>
    Array.isArray(value) ? (value.length === 0 ? 'none' : value.map(cell).join(' ')) : cell(value);
  return Object.entries(record)
    .map(([key, value]) => `${key.padEnd(width)}  ${text(value)}`.trimEnd())
    .join('\n');
}

// JSON's string syntax is a subset of YAML's double-quoted scalars: every string is quoted, so no
// value is ever read back as another type (`no`, `1e3`, `null`).
const yamlKey = (key: string) => (/^[A-Za-z_][\w.-]*$/.test(key) ? key : JSON.stringify(key));

/** YAML 1.2 for a JSON value, block style. */
export function yaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return value.map((item) => `${indent}- ${nested(item, `${indent}  `).replace(/^\n\s*/, '')}`).join('\n');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    return entries.map(([key, item]) => `${indent}${yamlKey(key)}:${nested(item, `${indent}  `)}`).join('\n');
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

function nested(value: unknown, indent: string): string {
  const block = value !== null && typeof value === 'object' && Object.keys(value).length > 0;
  return block ? `\n${yaml(value, indent)}` : ` ${yaml(value, indent)}`;
}

/** `KEY='value'` lines a POSIX shell can source: single-quoted, so nothing in a value is expanded. */
export function envLines(record: Record<string, unknown>): string {
  return Object.entries(record)
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
        throw new UsageError(`the field "${key}" is not a variable name: use --output json or yaml`);
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return `${key}='${text.replaceAll("'", `'\\''`)}'`;
    })
    .join('\n');
}

export function render(value: unknown, columns: string[], format: Format): string {
  if (format === 'json') return JSON.stringify(value, null, 2);
  if (format === 'yaml') return yaml(value);
  if (format === 'env') throw new UsageError('--output env is for the data of `get --reveal`');
  const rows = Array.isArray(value)
    ? (value as Array<Record<string, unknown>>)
    : [value as Record<string, unknown>];
  return table(rows, columns);
}
