/**
 * Child process of the SIGKILL test: syncs a VTE test database into the simulator until there is
 * nothing left, printing `up <guid>` per uploaded run and `done` at the end; the test kills it
 * with SIGKILL mid-batch and starts it again.
 *
 *   sync-crash-child.ts <stateDir> <simUrl> <database>
 *
 * Run with: node --import tsx --conditions=@tswats/source sync-crash-child.ts ...
 */
import './pg-shim.js';
import { WatsClient } from '@tswats/sdk';
import { createVteMapping, createVteSync, openVteSource, resolveVteConfig, type VteConfig } from '@tswats/vte';

const [stateDir, url, database] = process.argv.slice(2);
if (!stateDir || !url || !database) throw new Error('usage: sync-crash-child.ts <stateDir> <simUrl> <database>');
const host = process.env.TSWATS_TEST_PGHOST ?? '127.0.0.1';
const port = Number(process.env.TSWATS_TEST_PGPORT ?? 5432);
const user = process.env.TSWATS_TEST_PGUSER ?? 'postgres';
const { config: resolved } = await resolveVteConfig({
  database: { dialect: 'postgres', host, port, database, user, encrypt: false },
  timeZone: 'Europe/Oslo',
  processCode: { default: 10 },
});
const config: VteConfig = { ...resolved, mapping: createVteMapping({}, 'postgres').mapping };
const source = await openVteSource(config);
const client = new WatsClient({ baseUrl: url, logLevel: 'off', retry: { initialDelayMs: 20, maxDelayMs: 100 } });
const sync = await createVteSync({
  config, source, client, stateDir, batchSize: 50, uploadConcurrency: 4, guardBandMs: 10 * 60_000, settleMs: 30_000,
  startAt: '2026-01-01T00:00:00', now: () => new Date('2026-06-01T00:00:00Z'),
});
sync.on('uploaded', (e) => {
  if (e.kind === 'run') process.stdout.write(`up ${e.guid}\n`);
});
for (;;) {
  const summary = await sync.runOnce();
  if (summary.aborted) throw new Error(`pass aborted: ${summary.aborted.reason}`);
  if (summary.runs.uploaded + summary.repairs.uploaded === 0) break;
}
await sync.close();
await source.close();
process.stdout.write('done\n');
