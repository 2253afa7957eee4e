import { describe, expect, it } from 'vitest';
import { ConflictError, createUutReport, NotFoundError, type WatsClient } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';

/** WATS registers a unit when it receives its first report. */
async function registerUnit(client: WatsClient, serialNumber: string, partNumber: string): Promise<void> {
  const b = createUutReport({
    partNumber,
    serialNumber,
    revision: 'A',
    processCode: 10,
    stationName: 'ST-1',
    location: 'Line 1',
    purpose: 'Production',
    operator: 'op',
  });
  b.root.addPassFail('Power on', true);
  await client.reports.submit(b.build());
}

describe('workflow: start and end a test', () => {
  it('ends only a test that was started, once, and records the unit as busy in between', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await registerUnit(client, 'SN-WF-1', 'PN-WF');
    const unit = { serialNumber: 'SN-WF-1', partNumber: 'PN-WF', operatorName: 'ola', stationName: 'ST-1' };

    expect(await client.workflow.endTest({ ...unit, passed: true })).toBe(false);
    expect(await client.workflow.startTest(unit)).toBe(true);
    expect(await client.workflow.startTest(unit)).toBe(false); // already in test
    expect(await client.workflow.endTest({ ...unit, passed: false })).toBe(true);
    expect(await client.workflow.endTest({ ...unit, passed: false })).toBe(false);
    // A failed unit is retested: the Test activity is available again.
    expect(await client.workflow.startTest({ serialNumber: 'sn-wf-1', partNumber: 'pn-wf' })).toBe(true);
    expect(await client.workflow.endTest({ serialNumber: 'SN-WF-1', partNumber: 'PN-WF' })).toBe(true);
  });

  it('answers false for another workflow definition status than the one the unit was started with', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await registerUnit(client, 'SN-WF-2', 'PN-WF');
    const unit = { serialNumber: 'SN-WF-2', partNumber: 'PN-WF' };
    expect(await client.workflow.startTest({ ...unit, status: 0 })).toBe(true);
    expect(await client.workflow.endTest({ ...unit, status: 2 })).toBe(false);
    expect(await client.workflow.endTest({ ...unit, status: 0, passed: true })).toBe(true);
    expect(await client.workflow.startTest({ ...unit, status: 2 })).toBe(false);
  });

  it('accepts a unit created through the Production API (WATS MES)', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await client.product.saveMany([{ partNumber: 'PN-MES', name: 'MES unit', revisions: [{ revision: 'A' }] }]);
    await client.production.saveUnits([{ serialNumber: 'SN-MES-1', partNumber: 'PN-MES', revision: 'A' }]);
    expect(await client.workflow.startTest({ serialNumber: 'SN-MES-1', partNumber: 'PN-MES' })).toBe(true);
    expect(await client.workflow.endTest({ serialNumber: 'SN-MES-1', partNumber: 'PN-MES', passed: true })).toBe(true);
  });

  it('refuses a unit that does not exist', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await expect(client.workflow.startTest({ serialNumber: 'NOPE', partNumber: 'PN-WF' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('auth tokens', () => {
  it('issues a base64 "identifier:secret" token once; reset replaces it', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { token: Buffer.from('ola:password').toString('base64') });
    const token = await client.auth.getToken();
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    expect(decoded).toMatch(/^ola:[A-Za-z0-9_-]{32}$/);
    // Shown only once: asking again without reset is refused.
    await expect(client.auth.getToken()).rejects.toBeInstanceOf(ConflictError);
    const replaced = await client.auth.getToken({ reset: true });
    expect(replaced).not.toBe(token);
    expect(Buffer.from(replaced, 'base64').toString('utf8').startsWith('ola:')).toBe(true);
  });

  it('issues a token with its own identifier', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const token = await client.auth.getTokenForIdentifier('Station ICT-3');
    expect(Buffer.from(token, 'base64').toString('utf8')).toMatch(/^Station ICT-3:/);
    await expect(client.auth.getTokenForIdentifier('station ict-3')).rejects.toBeInstanceOf(ConflictError);
    expect(await client.auth.getTokenForIdentifier('station ict-3', { reset: true })).not.toBe(token);
    // A token of that shape names its user: the simulator records it as the owner of what it creates.
    const station = clientFor(sim, { token });
    expect((await station.rootCause.createTicket({ subject: 'From the station' })).owner).toBe('Station ICT-3');
  });
});
