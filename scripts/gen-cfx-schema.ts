/**
 * Writes packages/cfx/schema/cfx-bridge-config.schema.json from the zod schema of the bridge
 * config. `npm run gen:cfx-schema`; a test fails when the file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bridgeConfigJsonSchema } from '@tswats/cfx';

const out = fileURLToPath(new URL('../packages/cfx/schema/cfx-bridge-config.schema.json', import.meta.url));
mkdirSync(fileURLToPath(new URL('../packages/cfx/schema/', import.meta.url)), { recursive: true });
writeFileSync(out, `${JSON.stringify(bridgeConfigJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
