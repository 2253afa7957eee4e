import { describe, expect, it } from 'vitest';
import { and, BadRequestError, eq, ge, guid, NotFoundError, WatsError, type WatsClient } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';

const DAY = 24 * 60 * 60 * 1000;

/** A type and one asset of it, made through the API. */
async function fixture(client: WatsClient, type: Record<string, unknown> = {}, serialNumber = 'FX-001') {
  const t = await client.asset.saveType({ typeName: 'Fixture', ...type });
  const asset = await client.asset.save({ serialNumber, typeId: t.typeId!, assetName: 'Bed of nails', location: 'Line 1' });
  return { type: t, asset };
}

/** Records what goes over the wire, passing every call on to the real fetch. */
function recordingFetch(calls: Array<{ url: URL; method: string; body: string | undefined }>): typeof fetch {
  return async (input, init) => {
    calls.push({ url: new URL(String(input)), method: init?.method ?? 'GET', body: typeof init?.body === 'string' ? init.body : undefined });
    return fetch(input, init);
  };
}

describe('asset types and assets', () => {
  it('creates types and assets, reads them back by id and by serial number', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const type = await client.asset.saveType({ typeName: 'DMM', calibrationInterval: 365, runningCountLimit: 1000, warningThreshold: 80, alarmThreshold: 100 });
    expect(type.typeId).toMatch(/^[0-9a-f-]{36}$/);
    const saved = await client.asset.save({ serialNumber: 'DMM-34465A-0192', typeId: type.typeId!, assetName: 'Keysight 34465A', partNumber: '34465A', tags: [{ key: 'owner', value: 'lab' }] });
    expect(saved).toMatchObject({ serialNumber: 'DMM-34465A-0192', typeId: type.typeId, state: 0, totalCount: 0, runningCount: 0 });
    // The next calibration is due one interval after the asset was registered.
    expect(Date.parse(saved.nextCalibrationDate!) - Date.parse(saved.firstSeenDate!)).toBe(365 * DAY);

    const byId = await client.asset.get(saved.assetId!);
    const bySerial = await client.asset.getBySerialNumber('dmm-34465a-0192');
    expect(byId).toEqual(saved);
    expect(bySerial).toEqual(saved);
    expect(byId.assetType).toMatchObject({ typeName: 'DMM', calibrationInterval: 365 });
    expect(byId.tags).toEqual([{ key: 'owner', value: 'lab' }]);

    const types = await client.asset.listTypes({ filter: eq('typeName', 'dmm') });
    expect(types).toEqual([expect.objectContaining({ typeId: type.typeId, runningCountLimit: 1000 })]);
    const updated = await client.asset.saveType({ typeId: type.typeId, typeName: 'DMM', calibrationInterval: 180 });
    expect(updated).toMatchObject({ calibrationInterval: 180, runningCountLimit: 1000 });
    // Changing the interval moves the asset's due date with it.
    const again = await client.asset.get(saved.assetId!);
    expect(Date.parse(again.nextCalibrationDate!) - Date.parse(again.firstSeenDate!)).toBe(180 * DAY);

    await expect(client.asset.get('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.asset.getBySerialNumber('NOPE')).rejects.toBeInstanceOf(NotFoundError);
    // Both operations share the URL `/api/Asset/{x}`; a serial number shaped like a GUID is still found.
    const odd = await client.asset.save({ serialNumber: '0f8fad5b-d9cb-469f-a165-70867728950e', typeId: type.typeId! });
    expect((await client.asset.getBySerialNumber('0F8FAD5B-D9CB-469F-A165-70867728950E')).assetId).toBe(odd.assetId);
  });

  it('lists assets with OData filters, ordering and paging', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const fixtures = await client.asset.saveType({ typeName: 'Fixture' });
    const cables = await client.asset.saveType({ typeName: 'Cable' });
    for (let i = 1; i <= 7; i++) {
      await client.asset.save({ serialNumber: `FX-${i}`, typeId: (i % 2 ? fixtures : cables).typeId!, location: i < 4 ? 'Line 1' : 'Line 2' });
    }
    await client.asset.incrementCount({ serialNumber: 'FX-5', incrementBy: 50 });
    const ofType = await client.asset.list({ filter: eq('typeId', guid(fixtures.typeId!)), orderBy: 'serialNumber desc' });
    expect(ofType.map((a) => a.serialNumber)).toEqual(['FX-7', 'FX-5', 'FX-3', 'FX-1']);
    const busy = await client.asset.list({ filter: and(eq('location', 'Line 2'), ge('runningCount', 10)) });
    expect(busy.map((a) => a.serialNumber)).toEqual(['FX-5']);
    const page = await client.asset.list({ orderBy: 'serialNumber', top: 2, skip: 2, select: ['serialNumber', 'runningCount'] });
    expect(page).toEqual([{ serialNumber: 'FX-3', runningCount: 0 }, { serialNumber: 'FX-4', runningCount: 0 }]);
    const all: string[] = [];
    for await (const a of client.asset.list({ pageSize: 3 })) all.push(a.serialNumber!);
    expect(all.sort()).toEqual(['FX-1', 'FX-2', 'FX-3', 'FX-4', 'FX-5', 'FX-6', 'FX-7']);
    await expect(client.asset.list({ filter: 'nosuchfield eq 1' })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('updates an asset, logs every change, and refuses bad input naming the field', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const { type, asset } = await fixture(client);
    const updated = await client.asset.save({ ...asset, location: 'Line 2', runningCount: 999 } as typeof asset);
    expect(updated).toMatchObject({ assetId: asset.assetId, location: 'Line 2', runningCount: 0 });
    const log = await client.asset.listLog({ filter: eq('assetId', asset.assetId!) });
    expect(log.map((l) => [l.type, l.property ?? null, l.value ?? null])).toEqual([
      [2, 'location', 'Line 2'],
      [1, null, null],
    ]);
    await expect(client.asset.save({ serialNumber: 'X-1', typeId: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' })).rejects.toThrow(/typeId: no asset type/);
    await expect(client.asset.save({ serialNumber: '', typeId: type.typeId! })).rejects.toThrow(/serialNumber: is required/);
    await expect(client.asset.saveType({ typeName: 'fixture' })).rejects.toThrow(/already exists/);
  });
});

describe('counts and status', () => {
  it('increments both counts (children when asked), and resets the running count only', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const { type, asset } = await fixture(client);
    const child = await client.asset.save({ serialNumber: 'PROBE-1', typeId: type.typeId!, parentSerialNumber: 'FX-001' });
    const grandchild = await client.asset.save({ serialNumber: 'PIN-1', typeId: type.typeId!, parentAssetId: child.assetId! });
    expect(grandchild.parentSerialNumber).toBe('PROBE-1');

    await client.asset.incrementCount({ id: asset.assetId!, incrementBy: 5 });
    await client.asset.incrementCount({ serialNumber: 'FX-001', incrementBy: 3, incrementChildren: true });
    await client.asset.incrementCount({ serialNumber: 'FX-001', totalCount: 10 });
    const counts = async (sn: string) => {
      const a = await client.asset.getBySerialNumber(sn);
      return [a.runningCount, a.totalCount];
    };
    expect(await counts('FX-001')).toEqual([10, 10]);
    expect(await counts('PROBE-1')).toEqual([3, 3]);
    expect(await counts('PIN-1')).toEqual([3, 3]);

    await client.asset.resetRunningCount({ serialNumber: 'FX-001', comment: 'new pins' });
    expect(await counts('FX-001')).toEqual([0, 10]);
    const [reset] = await client.asset.listLog({ filter: and(eq('serialNumber', 'FX-001'), eq('type', 3)) });
    expect(reset).toMatchObject({ comment: 'new pins', property: 'runningCount', value: '0' });
    await expect(client.asset.incrementCount({ serialNumber: 'FX-001', totalCount: 4 })).rejects.toThrow(/below the current total count 10/);
    await expect(client.asset.incrementCount({ serialNumber: 'NOPE', incrementBy: 1 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('computes warning and alarm from the counts against the type limits (pyWATS #14)', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await fixture(client, { runningCountLimit: 100, totalCountLimit: 1000, warningThreshold: 80, alarmThreshold: 100 });
    const ref = { serialNumber: 'FX-001' };
    expect(await client.asset.getStatus(ref)).toMatchObject({ alarmState: 0, message: 'OK' });
    await client.asset.incrementCount({ ...ref, incrementBy: 85 });
    const warning = await client.asset.getStatus(ref, { translate: false });
    expect(warning).toMatchObject({ alarmState: 1, runningCount: 85, runningCountLimit: 100 });
    expect(warning.message).toContain('Running count 85 is 85% of the limit 100');
    await client.asset.incrementCount({ ...ref, incrementBy: 15 });
    expect(await client.asset.getStatus(ref)).toMatchObject({ alarmState: 2 });
    await client.asset.resetRunningCount(ref);
    // The total (100 of 1000) is far from its limit, so the reset clears the alarm.
    expect(await client.asset.getStatus(ref)).toMatchObject({ alarmState: 0, totalCount: 100 });
  });
});

describe('calibration, maintenance, state and messages', () => {
  it('computes the next calibration and maintenance from the type intervals; overdue is an alarm', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const { asset } = await fixture(client, { calibrationInterval: 30, maintenanceInterval: -1 });
    const long = new Date(Date.now() - 40 * DAY);
    await client.asset.recordCalibration({ id: asset.assetId!, dateTime: long, comment: 'annual' });
    let a = await client.asset.get(asset.assetId!);
    expect(a.lastCalibrationDate).toBe(long.toISOString());
    expect(a.nextCalibrationDate).toBe(new Date(long.getTime() + 30 * DAY).toISOString());
    const overdue = await client.asset.getStatus({ id: asset.assetId! });
    expect(overdue.alarmState).toBe(2);
    expect(overdue.message).toMatch(/^Calibration was due/);

    await client.asset.recordCalibration({ serialNumber: 'FX-001' });
    expect(await client.asset.getStatus({ serialNumber: 'FX-001' })).toMatchObject({ alarmState: 0 });
    // -1: unlimited, so a maintenance never comes due.
    await client.asset.recordMaintenance({ serialNumber: 'FX-001', dateTime: '2020-01-01T00:00:00Z', comment: 'cleaned' });
    a = await client.asset.get(asset.assetId!);
    expect(a.lastMaintenanceDate).toBe('2020-01-01T00:00:00.000Z');
    expect(a.nextMaintenanceDate).toBeUndefined();
    const types = (await client.asset.listLog({ filter: eq('assetId', asset.assetId!) })).map((l) => l.type);
    expect(types).toEqual([5, 4, 4, 1]);
  });

  it('sets the state and posts messages the way the spec says (not pyWATS body {assetId, comment})', async () => {
    const sim = await testSim();
    const calls: Array<{ url: URL; method: string; body: string | undefined }> = [];
    const client = clientFor(sim, { fetch: recordingFetch(calls) });
    const { asset } = await fixture(client);
    await client.asset.setState({ serialNumber: 'FX-001' }, 3);
    expect((await client.asset.get(asset.assetId!)).state).toBe(3);

    calls.length = 0;
    await client.asset.addMessage({ serialNumber: 'FX-001' }, 'Pins replaced');
    expect(calls[0]!.url.pathname).toBe('/api/Asset/Message');
    expect([...calls[0]!.url.searchParams.keys()]).toEqual(['serialNumber']);
    expect(JSON.parse(calls[0]!.body!)).toEqual({ content: 'Pins replaced' });
    const log = await client.asset.listLog({ filter: eq('assetId', asset.assetId!), top: 2 });
    expect(log.map((l) => [l.type, l.comment ?? l.value])).toEqual([
      [0, 'Pins replaced'],
      [6, '3'],
    ]);

    // pyWATS's shape: no asset in the query, the text under `comment`. The server refuses it.
    const pywats = client.request({ method: 'POST', path: '/api/Asset/Message', body: { assetId: asset.assetId, comment: 'x', user: 'me' } });
    await expect(pywats).rejects.toThrow(/id or serialNumber is required/);
    await expect(client.asset.addMessage({ id: asset.assetId! }, '')).rejects.toThrow(/content/);
  });
});

describe('sub-assets and deleting', () => {
  it('lists sub-assets by level, and re-parents them when their parent is deleted', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const { type, asset } = await fixture(client);
    const t = type.typeId!;
    const a = await client.asset.save({ serialNumber: 'A', typeId: t, parentAssetId: asset.assetId! });
    await client.asset.save({ serialNumber: 'B', typeId: t, parentSerialNumber: 'FX-001' });
    await client.asset.save({ serialNumber: 'A1', typeId: t, parentSerialNumber: 'A' });
    const direct = await client.asset.listSubAssets({ serialNumber: 'FX-001' }, { level: 1 });
    expect(direct.map((x) => x.serialNumber)).toEqual(['A', 'B']);
    const all = await client.asset.listSubAssets({ id: asset.assetId! });
    expect(all.map((x) => [x.serialNumber, x.parentSerialNumber])).toEqual([['A', 'FX-001'], ['B', 'FX-001'], ['A1', 'A']]);
    // A parent cannot become its own descendant.
    await expect(client.asset.save({ serialNumber: 'FX-001', typeId: t, parentSerialNumber: 'A1' })).rejects.toBeInstanceOf(BadRequestError);

    await client.asset.delete({ id: a.assetId! });
    expect((await client.asset.getBySerialNumber('A1')).parentSerialNumber).toBe('FX-001');
    await expect(client.asset.get(a.assetId!)).rejects.toBeInstanceOf(NotFoundError);
    expect(await client.asset.listLog({ filter: eq('serialNumber', 'A') })).toEqual([]);
    await expect(client.asset.delete({ serialNumber: 'A' })).rejects.toBeInstanceOf(NotFoundError);

    // Moving an asset by sending it back with a new parentAssetId (its old parentSerialNumber still in it).
    const b = await client.asset.getBySerialNumber('B');
    const a1 = await client.asset.getBySerialNumber('A1');
    const moved = await client.asset.save({ ...b, parentAssetId: a1.assetId! });
    expect(moved.parentSerialNumber).toBe('A1');
    expect((await client.asset.listSubAssets({ serialNumber: 'A1' })).map((x) => x.serialNumber)).toEqual(['B']);
  });
});

describe('WATS 25.3 asset routes', () => {
  it('sets counts and records externally managed calibration and maintenance', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const { asset } = await fixture(client, { calibrationInterval: -2, maintenanceInterval: -2 });
    const ref = { serialNumber: 'FX-001' };
    await client.asset.setTotalCount(ref, 500);
    await client.asset.setRunningCount(ref, 120);
    expect(await client.asset.get(asset.assetId!)).toMatchObject({ totalCount: 500, runningCount: 120 });
    await expect(client.asset.setRunningCount(ref, 501)).rejects.toThrow(/above the total count 500/);

    const from = new Date('2026-01-10T00:00:00Z');
    const to = new Date('2027-01-10T00:00:00Z');
    await client.asset.recordExternalCalibration({ ...ref, fromDate: from, toDate: to, comment: 'by the cal lab' });
    await client.asset.recordExternalMaintenance({ id: asset.assetId!, fromDate: '2026-02-01T00:00:00Z', toDate: '2026-03-01T00:00:00Z' });
    const a = await client.asset.get(asset.assetId!);
    expect(a).toMatchObject({
      lastCalibrationDate: from.toISOString(),
      nextCalibrationDate: to.toISOString(),
      lastMaintenanceDate: '2026-02-01T00:00:00.000Z',
      nextMaintenanceDate: '2026-03-01T00:00:00.000Z',
    });
    const [cal] = await client.asset.listLog({ filter: and(eq('assetId', asset.assetId!), eq('type', 4)) });
    expect(cal).toMatchObject({ comment: 'by the cal lab' });
  });

  it('refuses an external calibration for a type that computes its own interval', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await fixture(client, { calibrationInterval: 90 });
    await expect(client.asset.recordExternalCalibration({ serialNumber: 'FX-001', toDate: new Date() })).rejects.toThrow(/-2 = external/);
  });

  it('turns the 404 of an older server into WATS_ERR_UNSUPPORTED_SERVER, but keeps an unknown asset a 404', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await fixture(client);
    sim.faults.failNext(1, { status: 404, route: '/api/Asset/SetRunningCount' });
    const err = await client.asset.setRunningCount({ serialNumber: 'FX-001' }, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WatsError);
    expect(err).not.toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ code: 'WATS_ERR_UNSUPPORTED_SERVER', message: expect.stringContaining('WATS 2025.3') });
    expect((err as Error).cause).toBeInstanceOf(NotFoundError);
    await expect(client.asset.setTotalCount({ serialNumber: 'NOPE' }, 1)).rejects.toBeInstanceOf(NotFoundError);
  });
});
