// Proves the SDK covers the whole public WATS API:
//   node scripts/api-coverage.mjs           one row per spec operation: verb and path, the SDK
//                                           method (from `@operation` JSDoc tags), and a test that
//                                           called it against the simulator and got a 2xx answer.
//                                           Exits 1 unless every operation has both.
//   node scripts/api-coverage.mjs --reset   forgets recorded calls (npm test runs this first)
//   node scripts/api-coverage.mjs --json    the table as JSON
// Calls are recorded by the simulator (SimOptions.coverageFile) from the `x-tswats-test` header the
// SDK's test helpers send.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const COVERAGE = join(root, '.tswats/api-coverage.jsonl');

if (process.argv.includes('--reset')) {
  rmSync(COVERAGE, { force: true });
  process.exit(0);
}

// 1. The operations: the public document, plus the extras tswats serves beyond it.
const ops = [];
const addSpec = (file, extra) => {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [verb, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(verb)) continue;
      ops.push({ key: `${verb.toUpperCase()} ${path}`, source: extra ? op['x-tswats-source'] : 'public' });
    }
  }
};
const specDir = join(root, 'packages/sim/spec');
addSpec(join(specDir, 'openapi_public_v3.json'), false);
for (const f of readdirSync(specDir).filter((f) => /^extra-.*\.json$/.test(f)).sort()) addSpec(join(specDir, f), true);

// 2. SDK methods: `@operation VERB /path` tags in resource files, the method they document, and
//    the client property that holds the resource class.
const clientSrc = readFileSync(join(root, 'packages/sdk/src/client.ts'), 'utf8');
const propOf = new Map([...clientSrc.matchAll(/readonly (\w+): (\w+Resource);/g)].map((m) => [m[2], m[1]]));
const sdk = new Map();
const resDir = join(root, 'packages/sdk/src/resources');
const files = readdirSync(resDir, { recursive: true }).filter((f) => String(f).endsWith('.ts'));
for (const f of files) {
  const lines = readFileSync(join(resDir, String(f)), 'utf8').split('\n');
  let cls;
  for (let i = 0; i < lines.length; i++) {
    const c = /^export class (\w+)/.exec(lines[i]);
    if (c) cls = c[1];
    const tag = /@operation\s+(GET|PUT|POST|DELETE|PATCH)\s+(\S+)/.exec(lines[i]);
    if (!tag) continue;
    for (let j = i + 1; j < lines.length; j++) {
      const m = /^\s+(?:async\s+)?(\w+)\s*[<(]/.exec(lines[j]);
      if (m && !/^\s*(\*|\/\/)/.test(lines[j])) {
        const key = `${tag[1]} ${tag[2]}`;
        const name = `${propOf.get(cls) ?? cls}.${m[1]}`;
        sdk.set(key, [...(sdk.get(key) ?? []), name]);
        break;
      }
    }
  }
}

// 3. Tests that called each operation with a 2xx answer.
const tests = new Map();
if (existsSync(COVERAGE)) {
  for (const line of readFileSync(COVERAGE, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { op, status, test } = JSON.parse(line);
    if (status < 200 || status >= 300) continue;
    if (!tests.has(op)) tests.set(op, new Set());
    tests.get(op).add(test);
  }
}

const rows = ops.map((o) => ({
  operation: o.key,
  source: o.source,
  sdk: sdk.get(o.key) ?? [],
  tests: [...(tests.get(o.key) ?? [])].sort(),
}));
const unknownTags = [...sdk.keys()].filter((k) => !ops.some((o) => o.key === k));

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ rows, unknownTags }, null, 2));
} else {
  const w = Math.max(...rows.map((r) => r.operation.length));
  const s = Math.max(...rows.map((r) => (r.sdk[0] ?? '-').length));
  for (const r of rows) {
    const mark = r.sdk.length && r.tests.length ? 'ok ' : 'MISSING';
    const extra = r.source === 'public' ? '' : ` [${r.source}]`;
    console.log(`${mark.padEnd(7)} ${r.operation.padEnd(w)}  ${(r.sdk[0] ?? '-').padEnd(s)}  ${r.tests[0] ?? '-'}${extra}`);
  }
}
const isDone = (r) => r.sdk.length > 0 && r.tests.length > 0;
const pub = rows.filter((r) => r.source === 'public');
const extras = rows.filter((r) => r.source !== 'public');
console.log(
  `\napi-coverage: ${pub.filter(isDone).length}/${pub.length} public operations, ` +
    `${extras.filter(isDone).length}/${extras.length} beyond the public document, ` +
    'have an SDK method and a test that called it against the simulator with a 2xx answer',
);
for (const k of unknownTags) console.log(`api-coverage: @operation ${k} names no operation in the spec`);
process.exit(rows.every(isDone) && unknownTags.length === 0 ? 0 : 1);
