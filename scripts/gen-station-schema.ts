/**
 * Writes packages/station/schema/station-config.schema.json from the zod schema of the
 * station config file. `npm run gen:station-schema`; a test fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stationConfigJsonSchema } from '@tswats/station';

const out = fileURLToPath(new URL('../packages/station/schema/station-config.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(stationConfigJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
