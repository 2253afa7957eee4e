/**
 * Writes packages/vte/schema/vte-config.schema.json from the zod schema of the VTE config.
 * `npm run gen:vte-schema`; a test fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { vteConfigJsonSchema } from '@tswats/vte';

const out = fileURLToPath(new URL('../packages/vte/schema/vte-config.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(vteConfigJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
