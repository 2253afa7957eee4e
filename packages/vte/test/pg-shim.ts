/**
 * Test-only workaround. The root vitest config starts workers with `--conditions import`
 * (for the `@tswats/source` condition), and Node 20.19+ lets `require()` load ES modules; so
 * when pg's CommonJS code does `require('pg-pool')`, it gets pg-pool's ESM build as a namespace
 * object and `class BoundPool extends Pool` throws. Put pg-pool's CommonJS exports in the
 * require cache under the ESM path before pg loads. Production (no custom conditions) is
 * unaffected. Import this module before anything that loads `pg`.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const resolved = require.resolve('pg-pool');
if (resolved.endsWith('.mjs')) {
  const Module = require('node:module') as { new (id: string): NodeJS.Module; _cache: Record<string, NodeJS.Module> };
  const m = new Module(resolved);
  m.filename = resolved;
  m.loaded = true;
  m.exports = require(join(dirname(resolved), '..', 'index.js'));
  Module._cache[resolved] = m;
}
