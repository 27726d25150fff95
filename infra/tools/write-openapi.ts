/** Writes the OpenAPI document: `npm run --silent openapi -- [--out openapi.json] [--server <base url>]`. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openApiDocument } from '../../shared/openapi.ts';

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'openapi.json' }, server: { type: 'string' } },
});
writeFileSync(values.out, `${JSON.stringify(openApiDocument(values.server), null, 2)}\n`);
console.log(`wrote ${values.out}`);
