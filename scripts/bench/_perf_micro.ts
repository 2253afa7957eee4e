// temporary micro-bench (deleted at the end)
import { decodeCfxMessage, encodeCfxMessage, mapEnvelope, resolveBridgeConfig, WorkTracker, createReportIndex } from '@tswats/cfx';
import { WatsClient } from '@tswats/sdk';
import { unitsTested } from './cfx.ts';
const MAPPING = {
  stations: { 'Acme.FCT3000.SN0042': { machineName: 'FCT-42', location: 'Line 3', assetSerial: 'FCT3000-0042' } },
  partNumbers: { rules: [{ pattern: '^PSU48-\\d{4}-', partNumber: 'PSU-48V', revision: 'C' }] },
  processCodes: { byTestMethod: { FCT: 20 } },
};
const { config } = await resolveBridgeConfig({ broker: { url: 'amqp://x@127.0.0.1', source: 'q', deadLetter: null }, wats: { url: 'http://127.0.0.1:1', token: 'dGVzdDp0ZXN0' }, http: { enabled: false }, mapping: MAPPING }, { env: {} });
const N = Number(process.argv[2] ?? 5000);
const msgs = Array.from({ length: N }, () => encodeCfxMessage(unitsTested()));
const okRes = () => new Response(JSON.stringify({ ID: 'x', Report_ID: 1 }), { status: 200, headers: { 'content-type': 'application/json' } });
let bodyLen = 0;
const client = new WatsClient({ baseUrl: 'http://127.0.0.1:1', token: 'dGVzdDp0ZXN0', validation: 'off', logLevel: 'off', maxRetries: 2, timeout: 30000,
  fetch: async (_u: any, init: any) => { bodyLen += String(init.body).length; return okRes(); } });
const work = new WorkTracker(); const reportIndex = createReportIndex({ maxEntries: 50000 });
let tDec = 0, tMap = 0, tSub = 0;
async function pass(list: typeof msgs) {
  for (const m of list) {
    let t = performance.now();
    const envs = decodeCfxMessage(m as any, { timeZone: config.mapping.timeZone });
    let t2 = performance.now(); tDec += t2 - t; t = t2;
    const r = mapEnvelope(envs[0]!, config.mapping, { work, reportIndex, lookupUnit: () => undefined });
    t2 = performance.now(); tMap += t2 - t; t = t2;
    await client.reports.submit(r.reports[0]!, { signal: new AbortController().signal });
    t2 = performance.now(); tSub += t2 - t;
  }
}
await pass(msgs.slice(0, 1000)); tDec = tMap = tSub = 0;
const cpu0 = process.cpuUsage(); const t0 = performance.now();
await pass(msgs);
const cpu = process.cpuUsage(cpu0);
console.log(`per msg: total ${((performance.now() - t0) * 1000 / N).toFixed(0)}us cpu ${((cpu.user + cpu.system) / N).toFixed(0)}us decode ${(tDec * 1000 / N).toFixed(0)} map ${(tMap * 1000 / N).toFixed(0)} submit ${(tSub * 1000 / N).toFixed(0)} body ${bodyLen / (N + 1000) | 0}`);
