/** How results look on stdout: a table for people, JSON for scripts. */

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

export function render(value: unknown, columns: string[], json: boolean): string {
  if (json) return JSON.stringify(value, null, 2);
  const rows = Array.isArray(value)
    ? (value as Array<Record<string, unknown>>)
    : [value as Record<string, unknown>];
  return table(rows, columns);
}
