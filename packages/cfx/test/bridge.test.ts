/**
 * Proof tests of the CFX bridge: real CFX wire-format messages published over AMQP 1.0 through
 * the local RabbitMQ, the bridge consuming them, the simulator as WATS.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { and, eq, WatsClient } from '@tswats/sdk';
import { cfxReportId, createEnvelope, type JsonObject } from '@tswats/cfx';
import { FIXTURES, fixtureJson } from './helpers.js';
import { bridgeConfig, expectedIds, privateBroker, publisher, readQueue, tempDir, testBridge, testSim, testTopology, unitsTested, waitFor } from './broker-helpers.js';

const TOKEN = 'dGVzdDp0ZXN0';

/**
 * One private RabbitMQ node (plain and TLS listeners) for the tests that stop the broker or
 * need TLS: starting a node takes seconds, so they share it (tests in a file run one by one).
 */
let privateNode: ReturnType<typeof privateBroker> | undefined;
const sharedPrivateBroker = () => (privateNode ??= privateBroker({ tls: true, cleanup: 'manual' }));
afterAll(async () => {
  if (privateNode) await (await privateNode).close();
});
const clientOf = (url: string) => new WatsClient({ baseUrl: url, token: TOKEN, logLevel: 'off' });

describe('CFX bridge through the real RabbitMQ', () => {
  it('every unit of every UnitsTested message arrives once, with its steps and statuses', async () => {
    const sim = await testSim();
    const topo = await testTopology();
    const bridge = await testBridge(await bridgeConfig(sim, topo));
    const pub = await publisher(`/exchange/${topo.exchange}`);
    const envelopes = Array.from({ length: 30 }, (_, i) => unitsTested({ units: 1 + (i % 4), failAt: i % 5 === 0 ? 0 : undefined }));
    await Promise.all(envelopes.map((e) => pub.send(e)));
    const ids = envelopes.flatMap(expectedIds);
    await waitFor(() => sim.reportCount() === ids.length && bridge.status().inFlight === 0, 20_000, 'all reports');
    expect(sim.reportCount()).toBe(ids.length);

    const client = clientOf(sim.url);
    // A failed one and a passed one, read back: steps, limits, statuses.
    const failed = await client.reports.getWsjf(expectedIds(envelopes[0]!)[0]!);
    const passed = await client.reports.getWsjf(expectedIds(envelopes[1]!)[0]!);
    expect(failed).toMatchObject({ type: 'T', result: 'F', pn: 'PSU-48V', rev: 'C', processCode: 20, machineName: 'FCT-42' });
    expect(passed.result).toBe('P');
    const seq = (failed.root as { steps?: JsonObject[] }).steps?.[0] as JsonObject;
    expect(seq).toMatchObject({ name: 'OUTPUT_VOLTAGE', status: 'F' });
    const steps = seq.steps as JsonObject[];
    const vout = steps.find((s) => s.name === 'V_OUT') as JsonObject;
    expect(vout.status).toBe('F');
    expect(vout.numericMeas).toEqual([expect.objectContaining({ value: 52.1, unit: 'V', compOp: 'GELE', lowLimit: 47.5, highLimit: 48.5 })]); // 48500 mV -> 48.5 V
    expect(steps.find((s) => s.name === 'PG_OK')).toMatchObject({ status: 'P' });
    expect(bridge.status().totals).toMatchObject({ received: 30, accepted: 30, reports: ids.length, deadLettered: 0 });
    expect(await topo.depth()).toBe(0);

    // The same endpoints as the station.
    expect((await fetch(`${bridge.url}/health/live`)).status).toBe(200);
    expect(await (await fetch(`${bridge.url}/health/ready`)).json()).toEqual({ status: 'ready' });
    expect(await (await fetch(`${bridge.url}/status`)).json()).toMatchObject({ state: 'running', ready: true, broker: { connected: true, linkOpen: true } });
    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(metrics).toMatch(/^tswats_cfx_messages_total\{outcome="accepted"\} 30$/m);
    expect(metrics).toMatch(/^tswats_cfx_wats_calls_total\{kind="report",outcome="done"\} \d+$/m);
    expect(metrics).toMatch(/^tswats_cfx_ready 1$/m);
    expect(metrics).toMatch(/^tswats_cfx_envelopes_total\{message="UnitsTested"\} 30$/m);
  });

  it('unknownMessages: release gives an unknown message back to the broker (for a queue shared with another consumer)', async () => {
    const sim = await testSim();
    const topo = await testTopology();
    const bridge = await testBridge(await bridgeConfig(sim, topo, { unknownMessages: 'release', broker: { credit: 1 } }));
    const pub = await publisher(`/exchange/${topo.exchange}`);
    await pub.send(fixtureJson('unknown-message.json'));
    // Alone on the queue, the bridge gets it again and again: released every time, never lost.
    await waitFor(() => bridge.status().totals.unknown >= 3, 10_000, 'the unknown message released and redelivered');
    await bridge.close();
    await waitFor(async () => (await topo.depth()) === 1, 10_000, 'the message back in the queue');
    expect(bridge.status().totals).toMatchObject({ accepted: 0, deadLettered: 0 });
  });

  it('gzip bodies, batched arrays and the SDK fixtures go through; malformed and unmappable ones are dead-lettered with the reason', async () => {
    const sim = await testSim();
    const topo = await testTopology();
    const client = clientOf(sim.url);
    const type = await client.asset.saveType({ typeName: 'FCT tester', calibrationInterval: -2, maintenanceInterval: -2 } as never);
    await client.asset.save({ serialNumber: 'FCT3000-0042', typeId: type.typeId!, assetName: 'FCT 42' });
    const bridge = await testBridge(await bridgeConfig(sim, topo));
    const pub = await publisher(`/exchange/${topo.exchange}`);

    const panel = fixtureJson('units-tested-panel.json');
    // WorkStarted of the panel's transaction first: its time becomes the reports' start.
    await pub.send(fixtureJson('work-started.json'));
    // gzip: the fixture's own gzip bytes, sent as the SDK sends them.
    await pub.sendRaw({
      body: readFileSync(`${FIXTURES}units-tested-panel.json.gz`),
      content_encoding: 'gzip',
      subject: 'Acme.FCT3000.SN0042.CFX.Production.TestAndInspection.UnitsTested',
      message_id: String(panel.UniqueID),
      application_properties: { 'cfx-message': 'CFX.Production.TestAndInspection.UnitsTested' },
    });
    // A batch: an array of two envelopes in one message (fault + state change of the asset).
    await pub.send(fixtureJson('batch.json') as unknown as JsonObject[]);
    // Truncated JSON.
    await pub.sendRaw({ body: readFileSync(`${FIXTURES}malformed.json`), subject: 'Acme.FCT3000.SN0042.CFX.Production.TestAndInspection.UnitsTested', message_id: 'malformed-1' });
    // A unit whose part number nothing gives.
    const noPart = createEnvelope({
      messageName: 'UnitsTested',
      source: 'Acme.FCT3000.SN0042',
      uniqueId: 'e1e1e1e1-0000-4000-8000-000000000001',
      body: { TestMethod: 'FCT', TestedUnits: [{ UnitIdentifier: 'NOPART-1', OverallResult: 'Passed', Tests: [] }] },
    });
    await pub.send(noPart);
    // An unknown message (accepted and counted by default).
    await pub.send(fixtureJson('unknown-message.json'));
    // Asset maintenance and calibration (WATS 25.3 external routes), a sub-assembly installed.
    await pub.send(fixtureJson('maintenance-performed.json'));
    await pub.send(fixtureJson('calibration-performed.json'));
    for (const [partNumber, revision] of [['RACK-19', 'A'], ['PSU-48V', 'C']] as const) {
      await client.product.save({ partNumber, name: partNumber } as never);
      await client.product.saveRevision({ partNumber, revision } as never);
    }
    await client.production.saveUnits([
      { serialNumber: 'RACK-2026-0031', partNumber: 'RACK-19', revision: 'A' },
      { serialNumber: 'PSU48-2026-000914', partNumber: 'PSU-48V', revision: 'C' },
    ] as never);
    // WATS only installs finalized sub-assemblies.
    await client.production.setUnitPhase({ serialNumber: 'PSU48-2026-000914', partNumber: 'PSU-48V', phase: 'Finalized' });
    await pub.send(fixtureJson('materials-installed.json'));

    const panelUnits = ((panel.MessageBody as JsonObject).TestedUnits as JsonObject[]).length;
    await waitFor(() => bridge.status().totals.received === 9 && bridge.status().inFlight === 0, 20_000, 'nine messages settled');
    const t = bridge.status().totals;
    expect(t).toMatchObject({ received: 9, accepted: 6, deadLettered: 2, unknown: 1, reports: panelUnits, assetUpdates: 5, productionUpdates: 1 });
    expect(sim.reportCount()).toBe(panelUnits);
    // Reports start at the WorkStarted time (offset kept).
    const ids = ((panel.MessageBody as JsonObject).TestedUnits as JsonObject[]).map((u) =>
      cfxReportId({ uniqueId: panel.UniqueID as string, unitIdentifier: u.UnitIdentifier as string, position: u.UnitPositionNumber as number, type: 'T' }),
    );
    for (const id of ids) expect(new Date(String((await client.reports.getWsjf(id)).start)).toISOString()).toBe('2026-03-04T08:16:55.000Z');
    // The sub-assembly is a child unit of the rack.
    const check = await client.production.checkChildUnits({ parentSerialNumber: 'RACK-2026-0031', parentPartNumber: 'RACK-19' });
    expect(JSON.stringify(check)).toMatch(/PSU48-2026-000914/);

    // The asset got the fault in its log and the state change (1100 -> 5300: in maintenance).
    const log = await client.asset.listLog({ filter: eq('serialNumber', 'FCT3000-0042') });
    expect(log.map((l) => l.comment ?? '').join('\n')).toMatch(/CFX fault/);
    expect(log.map((l) => l.comment ?? '').join('\n')).toMatch(/CFX station state 1100 -> 5300/);
    expect(log.map((l) => l.comment ?? '').join('\n')).toMatch(/CFX maintenance/);
    expect(log.map((l) => l.comment ?? '').join('\n')).toMatch(/CFX calibration/);

    // Dead letters: the original bytes with the reason.
    const dead = await readQueue(topo.dlq, 2);
    expect(dead).toHaveLength(2);
    const byId = new Map(dead.map((m) => [String(m.message_id), m]));
    const bad = byId.get('malformed-1')!;
    expect(bad.application_properties).toMatchObject({ 'tswats-error-code': 'CFX_ERR_DECODE' });
    expect(String(bad.application_properties?.['tswats-error'])).toMatch(/bad-json/);
    expect(Buffer.from((bad.body as { content: Buffer }).content).equals(readFileSync(`${FIXTURES}malformed.json`))).toBe(true);
    const unmapped = byId.get('e1e1e1e1-0000-4000-8000-000000000001')!;
    expect(unmapped.application_properties).toMatchObject({ 'tswats-error-code': 'CFX_ERR_MAPPING', 'tswats-error-field': 'MessageBody.TestedUnits[0].UnitIdentifier' });
    expect(String(unmapped.application_properties?.['tswats-error'])).toMatch(/no part number for unit NOPART-1/);
    expect(bridge.status().lastErrors.map((e) => e.code).sort()).toEqual(['CFX_ERR_DECODE', 'CFX_ERR_MAPPING']);
    expect(await topo.depth()).toBe(0);
  });

  it('unknown message names can be dead-lettered instead; WATS refusing a report (400) dead-letters it with the server message', async () => {
    const sim = await testSim();
    const topo = await testTopology();
    const bridge = await testBridge(await bridgeConfig(sim, topo, { unknownMessages: 'dead-letter' }));
    const pub = await publisher(`/exchange/${topo.exchange}`);
    await pub.send(fixtureJson('unknown-message.json'));
    await waitFor(() => bridge.status().totals.deadLettered === 1, 10_000, 'unknown dead-lettered');
    sim.faults.failNext(1, { status: 400 });
    const e = unitsTested();
    await pub.send(e);
    await waitFor(() => bridge.status().totals.deadLettered === 2, 10_000, 'refused report dead-lettered');
    const dead = await readQueue(topo.dlq, 2);
    expect(dead.map((m) => m.application_properties?.['tswats-error-code']).sort()).toEqual(['CFX_ERR_UNKNOWN_MESSAGE', 'WATS_REFUSED']);
    expect(String(dead.find((m) => m.message_id === e.UniqueID)?.application_properties?.['tswats-error'])).toMatch(/WATS refused UUT .*400/);
  });

  it('a WATS outage mid-flow: the broker holds the messages, the window bounds work in flight, nothing lost or duplicated', async () => {
    const sim = await testSim();
    const topo = await testTopology();
    const bridge = await testBridge(await bridgeConfig(sim, topo, { broker: { credit: 10 }, wats: { url: sim.url, token: TOKEN, timeout: '1s', concurrency: 4 } }));
    const pub = await publisher(`/exchange/${topo.exchange}`);
    const first = Array.from({ length: 20 }, () => unitsTested({ units: 2 }));
    await Promise.all(first.map((e) => pub.send(e)));
    await waitFor(() => bridge.status().totals.accepted >= 5, 10_000, 'some accepted');
    sim.faults.outage(60_000);
    const second = Array.from({ length: 40 }, () => unitsTested({ units: 2 }));
    await Promise.all(second.map((e) => pub.send(e)));
    await waitFor(() => bridge.status().state === 'waiting-for-wats', 10_000, 'the bridge to notice the outage');
    await new Promise((r) => setTimeout(r, 1500));
    const during = bridge.status();
    expect(during.ready).toBe(false);
    expect(during.inFlight).toBeLessThanOrEqual(10);
    // Everything not in flight is still at the broker.
    const accepted = during.totals.accepted;
    expect(await topo.depth()).toBe(60 - accepted - during.inFlight);
    expect(await topo.depth()).toBeGreaterThanOrEqual(30);
    const res = await fetch(`${bridge.url}/health/ready`);
    expect(res.status).toBe(503);

    sim.faults.endOutage();
    const ids = [...first, ...second].flatMap(expectedIds);
    await waitFor(() => sim.reportCount() === ids.length && bridge.status().inFlight === 0 && bridge.status().totals.accepted === 60, 30_000, 'all reports after the outage');
    const client = clientOf(sim.url);
    for (const id of ids) expect((await client.reports.getWsjf(id)).id).toBe(id);
    expect(sim.reportCount()).toBe(ids.length);
    expect(bridge.status()).toMatchObject({ state: 'running', ready: true });
    expect(await topo.depth()).toBe(0);
  });

  it('a broker restart mid-flow: the bridge reconnects, every unit arrives once', async () => {
    // A private RabbitMQ node, so stopping it disturbs no other test.
    const broker = await sharedPrivateBroker();
    const sim = await testSim();
    sim.faults.latency(100); // slow WATS (100 ms per call, 4 at once) so the restart lands mid-flow
    const topo = await testTopology({ amqp091Url: broker.url });
    const dataDir = await tempDir();
    const bridge = await testBridge(await bridgeConfig(sim, topo, { dataDir, broker: { url: broker.url, credit: 20 }, wats: { url: sim.url, token: TOKEN, concurrency: 4 } }));
    const pub = await publisher(`/exchange/${topo.exchange}`, { port: broker.port });
    const envelopes = Array.from({ length: 100 }, () => unitsTested({ units: 2 }));
    await Promise.all(envelopes.map((e) => pub.send(e)));
    await waitFor(() => bridge.status().totals.accepted >= 10, 20_000, 'some accepted');
    expect(await topo.depth()).toBeGreaterThan(50); // mid-flow: most messages still at the broker
    await broker.stop();
    await waitFor(() => bridge.status().state === 'broker-disconnected', 10_000, 'the bridge to see the broker gone');
    expect(bridge.status().ready).toBe(false);
    await broker.start();
    await waitFor(() => bridge.status().broker.reconnects >= 1 && bridge.status().broker.connected, 60_000, 'reconnected');
    const ids = envelopes.flatMap(expectedIds);
    await waitFor(() => sim.reportCount() === ids.length && bridge.status().inFlight === 0, 60_000, 'all reports after the restart');
    await waitFor(async () => (await topo.depth()) === 0, 10_000, 'queue drained');
    sim.faults.clear();
    const client = clientOf(sim.url);
    for (const id of ids) expect((await client.reports.getWsjf(id)).id).toBe(id);
    expect(sim.reportCount()).toBe(ids.length);
    expect(bridge.status().state).toBe('running');
  }, 150_000);

  it('over TLS (amqps, the CA from a file): bridged the same; a broker certificate the CA did not sign is refused and said so', async () => {
    const broker = await sharedPrivateBroker();
    const sim = await testSim();
    const topo = await testTopology({ amqp091Url: broker.url });
    const tlsUrl = `amqps://guest:guest@localhost:${broker.tlsPort}`;
    const bridge = await testBridge(await bridgeConfig(sim, topo, { broker: { url: tlsUrl, tls: { caFile: broker.caFile } } }));
    const pub = await publisher(`/exchange/${topo.exchange}`, { port: broker.port });
    const envelopes = Array.from({ length: 5 }, () => unitsTested({ units: 2 }));
    await Promise.all(envelopes.map((e) => pub.send(e)));
    await waitFor(() => sim.reportCount() === 10 && bridge.status().totals.accepted === 5, 20_000, 'reports over TLS');
    expect(bridge.status().broker.url).toBe(`amqps://guest@localhost:${broker.tlsPort}`);

    // Without our CA the system's trust store does not know the broker's certificate.
    const dir = await tempDir();
    const otherCa = `${dir}/other-ca.pem`;
    await writeFile(otherCa, await selfSignedCa(dir));
    const refused = await testBridge(await bridgeConfig(sim, topo, { broker: { url: tlsUrl, tls: { caFile: otherCa } }, http: { enabled: true, port: 0 } }));
    await waitFor(() => /certificate|self.signed|unable to verify/i.test(refused.status().reason ?? ''), 10_000, 'a certificate error in the status');
    expect(refused.status()).toMatchObject({ state: expect.stringMatching(/starting|broker-disconnected/), ready: false });
  }, 120_000);

  it('a redelivered message makes no WATS call twice (effect ledger): asset log entries stay single', async () => {
    const sim = await testSim();
    const topo = await testTopology();
    const client = clientOf(sim.url);
    const type = await client.asset.saveType({ typeName: 'FCT tester' });
    await client.asset.save({ serialNumber: 'FCT3000-0042', typeId: type.typeId!, assetName: 'FCT 42' });
    const dataDir = await tempDir();
    const config = await bridgeConfig(sim, topo, { dataDir });
    const first = await testBridge(config);
    const pub = await publisher(`/exchange/${topo.exchange}`);
    const fault = fixtureJson('fault-occurred.json');
    const tested = unitsTested({ units: 3 });
    await pub.send(fault);
    await pub.send(tested);
    await waitFor(() => first.status().totals.accepted === 2, 10_000, 'both accepted');
    await first.close();
    // The same messages again (a sender retrying, or a redelivery): a new bridge process on the same dataDir.
    const second = await testBridge(config);
    await pub.send(fault);
    await pub.send(tested);
    await waitFor(() => second.status().totals.accepted === 2, 10_000, 'both accepted again');
    expect(second.status().totals).toMatchObject({ reports: 0, assetUpdates: 0, skipped: 4 });
    const log = await client.asset.listLog({ filter: and(eq('serialNumber', 'FCT3000-0042')) });
    expect(log.filter((l) => /CFX fault/.test(l.comment ?? ''))).toHaveLength(1);
    expect(sim.reportCount()).toBe(3);
  });

  it('part numbers from WATS (newest report of the serial), UnitsRepaired referencing the UUT', async () => {
    const sim = await testSim();
    const topo = await testTopology();
    const client = clientOf(sim.url);
    // A unit WATS knows from an earlier report, with a part number no rule gives.
    await client.reports.submit({
      type: 'T', id: '11111111-2222-4333-8444-555555555555', pn: 'CTRL-BOARD', rev: 'B', sn: 'CB-0001', processCode: 10, processName: 'Test',
      result: 'P', machineName: 'ICT-1', location: 'L', purpose: 'P', start: '2026-03-01T10:00:00Z',
      root: { status: 'P', stepType: 'SequenceCall', name: 'MainSequence', group: 'M', steps: [] }, uut: { user: 'x' },
    } as never);
    const bridge = await testBridge(await bridgeConfig(sim, topo));
    const pub = await publisher(`/exchange/${topo.exchange}`);
    const env = createEnvelope({
      messageName: 'UnitsTested',
      source: 'Acme.FCT3000.SN0042',
      body: { TestMethod: 'FCT', TestedUnits: [{ UnitIdentifier: 'CB-0001', UnitPositionNumber: 1, OverallResult: 'Failed', Tests: [] }] },
    });
    await pub.send(env);
    const repaired = fixtureJson('units-repaired.json');
    const body = repaired.MessageBody as JsonObject;
    (body.RepairedUnits as JsonObject[])[0]!.UnitIdentifier = 'CB-0001';
    await pub.send(repaired);
    await waitFor(() => bridge.status().totals.accepted === 2, 10_000, 'both accepted');
    const uutId = cfxReportId({ uniqueId: env.UniqueID as string, unitIdentifier: 'CB-0001', position: 1, type: 'T' });
    const uut = await client.reports.getWsjf(uutId);
    expect(uut).toMatchObject({ pn: 'CTRL-BOARD', rev: 'B', result: 'F' });
    const [uurHeader] = await client.reports.queryHeaders({ filter: and(eq('serialNumber', 'CB-0001'), eq('reportType', 'R')) as never, top: 5 });
    expect(uurHeader).toBeDefined();
    const uur = await client.reports.getWsjf(uurHeader!.uuid!);
    expect(uur).toMatchObject({ type: 'R', pn: 'CTRL-BOARD' });
    expect((uur as unknown as { uur: { refUUT: string } }).uur.refUUT).toBe(uutId);
    expect(bridge.status().lookup).toMatchObject({ enabled: true, misses: 1 });
  });

  it('close() while WATS is down gives the messages in flight back to the broker', async () => {
    const sim = await testSim();
    const topo = await testTopology();
    const bridge = await testBridge(await bridgeConfig(sim, topo, { broker: { credit: 5 }, wats: { url: sim.url, token: TOKEN, timeout: '500ms' }, shutdownGrace: '300ms' }));
    sim.faults.outage(60_000);
    const pub = await publisher(`/exchange/${topo.exchange}`);
    await Promise.all(Array.from({ length: 12 }, () => pub.send(unitsTested())));
    await waitFor(() => bridge.status().inFlight === 5, 10_000, 'the window full');
    await bridge.close();
    expect(bridge.status().state).toBe('stopped');
    await waitFor(async () => (await topo.depth()) === 12, 10_000, 'all 12 back in the queue');
    expect(sim.reportCount()).toBe(0);
  });
});

/** A CA certificate (PEM) that signed nothing the broker uses. */
async function selfSignedCa(dir: string): Promise<string> {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.pem', '-days', '2', '-subj', '/CN=some other CA'], { cwd: dir, stdio: 'ignore' });
  return readFileSync(`${dir}/other.pem`, 'utf8');
}
