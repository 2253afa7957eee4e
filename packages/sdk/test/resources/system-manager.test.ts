import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BadRequestError, createUurReport, createUutReport, NotFoundError, type WatsClient } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';

const WSXF_SAMPLE = readFileSync(new URL('../fixtures/wsxf/uut-wsxf.xml', import.meta.url), 'utf8');

/** Submits one passing UUT report from a station; returns its id. */
async function report(client: WatsClient, station: string, opts: { sn?: string; location?: string; purpose?: string } = {}): Promise<string> {
  const b = createUutReport({
    partNumber: 'PSU-200', revision: 'B', serialNumber: opts.sn ?? `SN-${Math.random().toString(36).slice(2, 8)}`,
    processCode: 10, stationName: station, location: opts.location ?? 'Line 1', purpose: opts.purpose ?? 'Production',
  });
  b.root.addPassFail('boot', true);
  const built = b.build();
  await client.reports.submit(built);
  return built.id!;
}

describe('system manager clients', () => {
  it('registers a station as a client with its first report; location and purpose come from its reports', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await report(client, 'FCT-01', { sn: 'SN-1' });
    await client.reports.submitWsxf(WSXF_SAMPLE);

    const nodes = await client.systemManager.listClients();
    const clients = nodes.filter((n) => n.type === 'Client');
    expect(clients.map((c) => c.name)).toEqual(['FCT-01', 'VIC-WS-RE-LT']);
    const fct = clients[0]!;
    expect(fct).toMatchObject({
      clientId: 1, displayName: 'FCT-01', location: 'Line 1', purpose: 'Production', typeEnum: 5,
      statusString: 'Online', recentReportCount: 1, reportCount: 1, pendingCount: 0,
      identifier: expect.stringMatching(/^[0-9A-F][26AE](:[0-9A-F]{2}){5}$/), // locally administered
      // A new station joins the level its location belongs to: the hierarchy App/Levels lists.
      levelPath: ['Acme', 'Norway', 'Line 1'],
    });
    const levels = nodes.filter((n) => n.type === 'Level');
    expect(levels.find((l) => l.id === fct.clientGroupId)).toMatchObject({ name: 'Line 1', reportCount: 1 });
    expect(clients[1]).toMatchObject({ location: 'FAT Station Location', purpose: 'FAT Station Purpose', reportCount: 1 });

    const byName = await client.systemManager.getClient({ name: 'fct-01' });
    expect(byName).toEqual(fct);
    const dashed = fct.identifier!.replace(/:/g, '-').toLowerCase();
    expect(await client.systemManager.getClient({ identifier: dashed })).toEqual(fct);
    await expect(client.systemManager.getClient({ name: 'FCT-01', identifier: '02:00:00:00:00:00' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.systemManager.getClient({ name: 'NOBODY' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.systemManager.getClient({} as never)).rejects.toMatchObject({ code: 'WATS_ERR_ARGUMENT' });

    // The last report wins: the station moved and says so in its next report.
    await report(client, 'FCT-01', { location: 'Line 2', purpose: 'Rework' });
    expect(await client.systemManager.getClient({ name: 'FCT-01' })).toMatchObject({ location: 'Line 2', purpose: 'Rework', reportCount: 2 });
  });

  it('updates display name, location, purpose and level; name and type stay', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await report(client, 'FCT-02');
    const { clientId } = await client.systemManager.getClient({ name: 'FCT-02' });
    const lab = await client.systemManager.getLevelByHierarchy(['Acme', 'Lab']);
    const updated = await client.systemManager.updateClient({
      clientId: clientId!, name: 'FCT-02', type: 5, displayName: 'FCT 02 (bench)', location: 'Lab', purpose: 'Development', clientGroupId: lab!,
    });
    expect(updated).toMatchObject({ clientId, name: 'FCT-02', displayName: 'FCT 02 (bench)', location: 'Lab', purpose: 'Development', clientGroupId: lab, levelPath: ['Acme', 'Lab'] });
    expect(await client.systemManager.getClient({ name: 'FCT-02' })).toEqual(updated);

    await expect(client.systemManager.updateClient({ clientId: clientId!, name: 'FCT-99' })).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.systemManager.updateClient({ clientId: clientId!, type: 6 })).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.systemManager.updateClient({ clientId: clientId!, clientGroupId: 9999 })).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.systemManager.updateClient({ clientId: 9999, location: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await client.systemManager.getClient({ name: 'FCT-02' })).toEqual(updated);
  });

  it('moves a client to another level with or without its report history', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    for (const station of ['FCT-A', 'FCT-A', 'FCT-B', 'FCT-B']) await report(client, station);
    const line7 = await client.systemManager.createLevelByHierarchy(['Acme', 'Sweden', 'Line 7']);
    const count = async (id: number) => (await client.systemManager.listClients()).find((n) => n.type === 'Level' && n.id === id)?.reportCount;
    const line1 = (await client.systemManager.getClient({ name: 'FCT-A' })).clientGroupId!;
    expect(await count(line1)).toBe(4);

    const a = await client.systemManager.getClient({ name: 'FCT-A' });
    await client.systemManager.updateClient({ clientId: a.clientId!, clientGroupId: line7 });
    expect(await count(line7)).toBe(0); // its earlier reports stay where they were received
    await report(client, 'FCT-A');
    expect(await count(line7)).toBe(1);

    const b = await client.systemManager.getClient({ name: 'FCT-B' });
    await client.systemManager.updateClient({ clientId: b.clientId!, clientGroupId: line7 }, { moveWithHistory: true });
    expect(await count(line7)).toBe(3);
    expect(await count(line1)).toBe(2);
    const sweden = await client.systemManager.getLevelByHierarchy(['Acme', 'Sweden']);
    expect(await count(sweden!)).toBe(3); // a level counts its sub levels
  });

  it("keeps each client's log: registration, every report, every change", async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const first = await report(client, 'FCT-03', { sn: 'SN-31' });
    const second = await report(client, 'FCT-03', { sn: 'SN-32' });
    const node = await client.systemManager.getClient({ name: 'FCT-03' });
    await client.systemManager.updateClient({ clientId: node.clientId!, location: 'Line 3' });
    const log = await client.systemManager.getClientLog(node.identifier!);
    expect(log).toMatchObject({ clientId: node.clientId, userName: 'FCT-03', logDate: expect.any(String) });
    const lines = log.text.split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} INFO  Client 'FCT-03' registered by its first report in level 'Line 1'$/);
    expect(lines[1]).toContain(`Report ${first} received (test report): SN 'SN-31', PN 'PSU-200', rev 'B', process 10, Passed`);
    expect(lines[2]).toContain(`Report ${second} received`);
    expect(lines[3]).toContain("Client updated: location 'Line 1' -> 'Line 3'");
    await expect(client.systemManager.getClientLog('02:00:00:00:00:00')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('system manager persistence', () => {
  it('keeps clients, their levels and logs across a restart with a data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tswats-sm-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const first = await testSim({ dataDir: dir });
    const before = clientFor(first);
    await report(before, 'FCT-06');
    const denmark = await before.systemManager.createLevelByHierarchy(['Acme', 'Denmark']);
    const node = await before.systemManager.getClient({ name: 'FCT-06' });
    await before.systemManager.updateClient({ clientId: node.clientId!, displayName: 'Six', clientGroupId: denmark }, { moveWithHistory: true });
    const log = await before.systemManager.getClientLog(node.identifier!);
    await first.close();

    const second = await testSim({ dataDir: dir });
    const after = clientFor(second);
    expect(await after.systemManager.getClient({ name: 'FCT-06' })).toMatchObject({
      clientId: node.clientId, displayName: 'Six', clientGroupId: denmark, levelPath: ['Acme', 'Denmark'], reportCount: 1,
    });
    expect(await after.systemManager.getClientLog(node.identifier!)).toEqual(log); // no report applied twice
    await report(after, 'FCT-07');
    expect((await after.systemManager.getClient({ name: 'FCT-07' })).clientId).toBe(node.clientId! + 1);
  });
});

describe('system manager levels', () => {
  it('creates missing levels of a hierarchy, finds them by path, and answers null for a missing one', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const leaf = await client.systemManager.createLevelByHierarchy(['Acme', 'Sweden', 'Line 7']);
    const sweden = await client.systemManager.getLevelByHierarchy(['Acme', 'Sweden']);
    expect(await client.systemManager.getLevelByHierarchy(['ACME', 'sweden', 'Line 7'])).toBe(leaf);
    expect(await client.systemManager.createLevelByHierarchy(['Acme', 'Sweden', 'Line 7'])).toBe(leaf);
    expect(await client.systemManager.getLevelByHierarchy(['Acme', 'Sweden', 'Line 8'])).toBeNull();
    expect(await client.systemManager.getLevelByHierarchy(['Line 7'])).toBeNull(); // paths start at the top
    const levels = (await client.systemManager.listClients()).filter((n) => n.type === 'Level');
    expect(levels.find((l) => l.id === leaf)).toMatchObject({ name: 'Line 7', parentId: sweden });
    // The same hierarchy App/Levels lists.
    const appLevels = await client.request<Array<{ levelId: number; levelName: string; parentId?: number }>>({ method: 'GET', path: '/api/App/Levels' });
    expect(appLevels.data).toContainEqual({ levelId: leaf, levelName: 'Line 7', parentId: sweden });
    await expect(client.systemManager.createLevelByHierarchy([])).rejects.toMatchObject({ code: 'WATS_ERR_ARGUMENT' });
  });
});

describe('system status', () => {
  it('is computed from the server state: versions, uptime, reports, clients, levels', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const id = await report(client, 'FCT-04');
    await report(client, 'FCT-05');
    const repair = createUurReport({
      partNumber: 'PSU-200', revision: 'B', serialNumber: 'SN-R', stationName: 'REPAIR-1', location: 'Line 1',
      purpose: 'Repair', repairProcessCode: 500, testProcessCode: 10, refUut: id,
    }).build();
    await client.reports.submit(repair);
    await client.reports.submit(await client.reports.getWsjf(id)); // received again: overwritten

    const status = await client.systemManager.getSystemStatus();
    for (const value of Object.values(status)) expect(typeof value).toBe('string');
    const version = await client.app.version();
    expect(version.startsWith(status.serverVersion!)).toBe(true);
    expect(status).toMatchObject({
      status: 'Running', storage: 'memory', reportCount: '3', uutReportCount: '2', uurReportCount: '1',
      reportsReceived: '4', clientCount: '3', onlineClientCount: '3',
    });
    const levels = (await client.systemManager.listClients()).filter((n) => n.type === 'Level');
    expect(status.levelCount).toBe(String(levels.length));
    expect(status.uptime).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(Date.parse(status.startedUtc!)).toBeLessThanOrEqual(Date.parse(status.serverTimeUtc!));
    expect(status.lastReportReceivedUtc).toEqual(expect.any(String));
  });
});

describe('common user settings', () => {
  it("returns a user's settings from the user directory, asked with the spec's UserName", async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await client.scim.createUser({
      userName: 'ada',
      displayName: 'Ada Lovelace',
      preferredLanguage: 'nb-NO',
      emails: [{ value: 'ada@old.example.com' }, { value: 'ada@example.com', primary: true }],
      roles: [{ value: 'Operator', primary: true }],
      levels: ['Line 1'],
      productGroups: ['Power supplies'],
    } as never);
    expect(await client.app.getCommonUserSettings('ADA')).toEqual({
      fullName: 'Ada Lovelace',
      cultureCode: 'nb-NO',
      email: 'ada@example.com',
      roles: ['Operator'],
      levels: ['Line 1'],
      productGroups: ['Power supplies'],
    });
    await client.scim.createUser({ userName: 'bjorn', name: { givenName: 'Bjørn', familyName: 'Dæhlie' } } as never);
    expect(await client.app.getCommonUserSettings('bjorn')).toEqual({ fullName: 'Bjørn Dæhlie', roles: [], levels: [], productGroups: [] });
    await expect(client.app.getCommonUserSettings('nobody')).rejects.toBeInstanceOf(NotFoundError);
    // The parameter is `UserName` (capital U) on the wire; the contract check flags other spellings.
    await client.request({ method: 'GET', path: '/api/App/CommonUserSettings', query: { userName: 'ada' } });
    expect(sim.contractViolations().map((v) => v.message)).toEqual(["query parameter 'userName' should be spelled 'UserName'"]);
    sim.clearContractViolations();
  });
});
