// temporary: drive a sim at URL with real mapped reports, concurrency C
import { decodeCfxMessage, encodeCfxMessage, mapEnvelope, resolveBridgeConfig, WorkTracker, createReportIndex } from '@tswats/cfx';
import { WatsClient } from '@tswats/sdk';
import { createNodeFetch } from '@tswats/sdk/node';
import { unitsTested } from './cfx.ts';
const MAPPING = {
  stations: { 'Acme.FCT3000.SN0042': { machineName: 'FCT-42', location: 'Line 3', assetSerial: 'FCT3000-0042' } },
  partNumbers: { rules: [{ pattern: '^PSU48-\\d{4}-', partNumber: 'PSU-48V', revision: 'C' }] },
  processCodes: { byTestMethod: { FCT: 20 } },
};
const url = process.argv[2]!; const N = Number(process.argv[3] ?? 6000); const C = 32;
const { config } = await resolveBridgeConfig({ broker: { url: 'amqp://x@127.0.0.1', source: 'q', deadLetter: null }, wats: { url, token: 'dGVzdDp0ZXN0' }, http: { enabled: false }, mapping: MAPPING }, { env: {} });
const work = new WorkTracker(); const reportIndex = createReportIndex({ maxEntries: 50000 });
const reports = Array.from({ length: N }, () => mapEnvelope(decodeCfxMessage(encodeCfxMessage(unitsTested()) as any)[0]!, config.mapping, { work, reportIndex, lookupUnit: () => undefined }).reports[0]!);
const client = new WatsClient({ baseUrl: url, token: 'dGVzdDp0ZXN0', validation: 'off', logLevel: 'off', fetch: createNodeFetch({ connections: C }) });
let i = 0; const t0 = performance.now();
await Promise.all(Array.from({ length: C }, async () => { while (i < N) { const r = reports[i++]!; await client.reports.submit(r); } }));
const s = (performance.now() - t0) / 1000;
const st = await (await fetch(`${url}/_sim/stats`)).json() as any;
console.log(`reports/s ${(N / s).toFixed(0)} stored ${st.reports.stored}`);
