import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BadRequestError, createUurReport, createUutReport, NotFoundError, type UutReport } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';
import { catalogue, clearContract, queryNames, recording } from './product-helpers.js';

describe('units and the change queue', () => {
  it('builds a unit from a product, a BOM and a finalized child, and queues every change', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await catalogue(client);
    const serialDate = new Date('2026-03-01T08:00:00Z');
    const saved = await client.production.saveUnits([
      { serialNumber: 'P-001', partNumber: 'PSU-200', revision: 'A', batchNumber: 'B-7', serialDate, xmlData: '<Root><Line Value="2" /></Root>' },
      { serialNumber: 'C-001', partNumber: 'PCB-10', revision: '1.0', currentLocation: 'SMT' },
    ]);
    expect(saved).toEqual({ insertCount: 2, updateCount: 0 });

    const parent = await client.production.getUnit('P-001', 'PSU-200');
    expect(parent).toMatchObject({
      serialNumber: 'P-001',
      partNumber: 'PSU-200',
      revision: 'A',
      batchNumber: 'B-7',
      serialDate: '2026-03-01T08:00:00.000Z',
      unitPhaseId: 2,
      unitPhase: 'Under production',
      tags: [{ key: 'Line', value: '2' }],
      product: { partNumber: 'PSU-200', name: 'Power supply' },
      productRevision: { revision: 'A', PartNumber: 'PSU-200' },
      subUnits: [],
    });

    // the child must be finalized before it can go in
    const early = await client.production
      .addChildUnit({ parentSerialNumber: 'P-001', parentPartNumber: 'PSU-200', childSerialNumber: 'C-001', childPartNumber: 'PCB-10' })
      .catch((e: unknown) => e);
    expect(early).toBeInstanceOf(BadRequestError);
    expect((early as Error).message).toMatch(/phase 'Under production', not 'Finalized'/);

    await client.production.setUnitPhase({ serialNumber: 'C-001', partNumber: 'PCB-10', phase: 'Finalized' });
    await client.production.addChildUnit({ parentSerialNumber: 'P-001', parentPartNumber: 'PSU-200', childSerialNumber: 'C-001', childPartNumber: 'PCB-10' });

    const built = await client.production.getUnit('p-001', 'psu-200');
    expect(built.subUnits?.map((u) => [u.serialNumber, u.unitPhase, u.parentSerialNumber])).toEqual([['C-001', 'Finalized', 'P-001']]);
    const check = await client.production.checkChildUnits({ parentSerialNumber: 'P-001', parentPartNumber: 'PSU-200' });
    expect(check.valid).toBe(true);
    expect(check.boxBuild).toEqual([{ partNumber: 'PCB-10', revision: '1.%', quantity: 1, count: 1, valid: true }]);

    const changes = await client.production.getUnitChanges({ maxCount: 100 });
    expect(changes.map(({ id: _id, ...c }) => c)).toEqual([
      { unitSerialNumber: 'P-001', newPartNumber: 'PSU-200', newRevision: 'A', newUnitPhaseId: 2 },
      { unitSerialNumber: 'C-001', newPartNumber: 'PCB-10', newRevision: '1.0', newUnitPhaseId: 2 },
      { unitSerialNumber: 'C-001', newPartNumber: 'PCB-10', newRevision: '1.0', newUnitPhaseId: 16 },
      { unitSerialNumber: 'C-001', newParentSerialNumber: 'P-001', newPartNumber: 'PCB-10', newRevision: '1.0', newUnitPhaseId: 16 },
    ]);
    expect(await client.production.getUnitChanges({ maxCount: 2 })).toEqual(changes.slice(0, 2));

    // handled changes are deleted; a second delete is a 404
    for (const c of changes) await client.production.deleteUnitChange(c.id!);
    expect(await client.production.getUnitChanges({ maxCount: 100 })).toEqual([]);
    await expect(client.production.deleteUnitChange(changes[0]!.id!)).rejects.toBeInstanceOf(NotFoundError);

    // an update that changes nothing tracked (location) queues nothing; a revision change does
    await client.production.saveUnits([{ serialNumber: 'C-001', partNumber: 'PCB-10', currentLocation: 'Box' }]);
    expect(await client.production.getUnitChanges({ maxCount: 10 })).toEqual([]);
    expect(await client.production.saveUnits([{ serialNumber: 'C-001', partNumber: 'PCB-10', revision: '2.0' }])).toEqual({ insertCount: 0, updateCount: 1 });
    expect((await client.production.getUnitChanges({ maxCount: 10 }))[0]).toMatchObject({ newRevision: '2.0', newParentSerialNumber: 'P-001' });
    // now revision 2.0 no longer fits the box build's 1.%
    expect((await client.production.checkChildUnits({ parentSerialNumber: 'P-001', parentPartNumber: 'PSU-200' })).valid).toBe(false);
  });

  it('keeps units on their product when its part number or a revision is renamed', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await catalogue(client);
    await client.production.saveUnits([
      { serialNumber: 'P1', partNumber: 'PSU-200', revision: 'A' },
      { serialNumber: 'C1', partNumber: 'PCB-10', revision: '1.0', unitPhaseId: 16 },
    ]);
    await client.production.addChildUnit({ parentSerialNumber: 'P1', parentPartNumber: 'PSU-200', childSerialNumber: 'C1', childPartNumber: 'PCB-10' });
    for (const c of await client.production.getUnitChanges({ maxCount: 10 })) await client.production.deleteUnitChange(c.id!);

    const psu = await client.product.get('PSU-200');
    await client.product.save({ productId: psu.productId!, partNumber: 'PSU-200X' });
    const pcbA = await client.product.getRevision('PCB-10', '1.0');
    await client.product.saveRevision({ partNumber: 'PCB-10', productRevisionId: pcbA.productRevisionId!, revision: '1.0.1' });

    const parent = await client.production.getUnit('P1', 'PSU-200X');
    expect(parent).toMatchObject({ partNumber: 'PSU-200X', product: { partNumber: 'PSU-200X' }, subUnits: [{ serialNumber: 'C1', revision: '1.0.1' }] });
    await expect(client.production.getUnit('P1', 'PSU-200')).rejects.toBeInstanceOf(NotFoundError);
    expect((await client.production.getUnitChanges({ maxCount: 10 })).map(({ id: _id, ...c }) => c)).toEqual([
      { unitSerialNumber: 'P1', newPartNumber: 'PSU-200X', newRevision: 'A', newUnitPhaseId: 2 },
      { unitSerialNumber: 'C1', newParentSerialNumber: 'P1', newPartNumber: 'PCB-10', newRevision: '1.0.1', newUnitPhaseId: 16 },
    ]);
    // the BOM's mask 1.% still admits the renamed revision
    expect((await client.production.checkChildUnits({ parentSerialNumber: 'P1', parentPartNumber: 'PSU-200X' })).valid).toBe(true);
  });

  it('refuses units whose product or revision does not exist, and stores none of the request', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await catalogue(client);
    const unknownProduct = await client.production
      .saveUnits([{ serialNumber: 'S1', partNumber: 'PSU-200', revision: 'A' }, { serialNumber: 'S2', partNumber: 'GHOST', revision: 'A' }])
      .catch((e: unknown) => e);
    expect(unknownProduct).toBeInstanceOf(NotFoundError);
    expect((unknownProduct as Error).message).toMatch(/\[1\]\.partNumber: Product 'GHOST' was not found/);
    await expect(client.production.getUnit('S1', 'PSU-200')).rejects.toBeInstanceOf(NotFoundError);
    expect(await client.production.getUnitChanges({ maxCount: 10 })).toEqual([]);

    const unknownRevision = await client.production.saveUnits([{ serialNumber: 'S1', partNumber: 'PSU-200', revision: 'Z' }]).catch((e: unknown) => e);
    expect((unknownRevision as Error).message).toMatch(/has no revision 'Z'/);
    const noRevision = await client.production.saveUnits([{ serialNumber: 'S1', partNumber: 'PSU-200' }]).catch((e: unknown) => e);
    expect(noRevision).toBeInstanceOf(BadRequestError);
    const nonSerial = await client.production.saveUnits([{ serialNumber: 'L1', partNumber: 'LABEL', revision: '1' }]).catch((e: unknown) => e);
    expect((nonSerial as Error).message).toMatch(/non-serial/);
    const badPhase = await client.production.saveUnits([{ serialNumber: 'S1', partNumber: 'PSU-200', revision: 'A', unitPhaseId: 3 }]).catch((e: unknown) => e);
    expect((badPhase as Error).message).toMatch(/\[0\]\.unitPhaseId: must be one of 1, 2, 4/);
    await expect(client.production.setUnitPhase({ serialNumber: 'S9', partNumber: 'PSU-200', phase: 16 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('enforces the child-unit rules: one parent, no loops, box-build quantities, check overrides', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await catalogue(client);
    await client.production.saveUnits([
      { serialNumber: 'P1', partNumber: 'PSU-200', revision: 'A' },
      { serialNumber: 'P2', partNumber: 'PSU-200', revision: 'A' },
      { serialNumber: 'C1', partNumber: 'PCB-10', revision: '1.0', unitPhaseId: 16 },
      { serialNumber: 'C2', partNumber: 'PCB-10', revision: '1.0', unitPhaseId: 16 },
      { serialNumber: 'C3', partNumber: 'PCB-10', revision: '2.0', unitPhaseId: 1024 },
    ]);
    const link = (parent: string, child: string, check: { checkPartNumber?: string; checkRevision?: string } = {}) =>
      client.production
        .addChildUnit({ parentSerialNumber: parent, parentPartNumber: 'PSU-200', childSerialNumber: child, childPartNumber: 'PCB-10', ...check })
        .then(() => 'ok', (e: unknown) => (e as Error).message);

    expect(await link('P1', 'C1')).toBe('ok');
    expect(await link('P1', 'C2')).toMatch(/allows 1 of 'PCB-10', and unit 'P1' has 1/);
    expect(await link('P2', 'C1')).toMatch(/already has a parent \('P1'\)/);
    // C3 is revision 2.0: not in the box build (1.%), and In storage is not finalized
    expect(await link('P2', 'C3')).toMatch(/is not part of the box build/);
    // the override replaces the box build, but the phase rule still applies...
    expect(await link('P2', 'C3', { checkPartNumber: 'PCB-10', checkRevision: '2.0' })).toMatch(/phase 'In storage'/);
    expect(await link('P2', 'C3', { checkPartNumber: 'PCB-99' })).toMatch(/checkPartNumber/);
    // ...unless the revision's PhaseFinalized tag names the child's phase
    await client.product.saveRevision({ partNumber: 'PCB-10', revision: '2.0', xmlData: '<Root><PhaseFinalized Value="In Storage" /></Root>' });
    expect(await link('P2', 'C3', { checkPartNumber: 'PCB-10', checkRevision: '2.%' })).toBe('ok');

    // a PSU inside a PCB inside that PSU would be a loop (checked before anything else)
    const loop = await client.production
      .addChildUnit({ parentSerialNumber: 'C1', parentPartNumber: 'PCB-10', childSerialNumber: 'P1', childPartNumber: 'PSU-200', checkPartNumber: 'PSU-200' })
      .catch((e: unknown) => e);
    expect((loop as Error).message).toMatch(/loop/);

    const check = await client.production.checkChildUnits({ parentSerialNumber: 'P2', parentPartNumber: 'PSU-200' });
    expect(check).toMatchObject({ valid: false, childUnits: [{ serialNumber: 'C3', valid: false, message: 'not part of the box build' }] });
    expect(check.boxBuild).toEqual([{ partNumber: 'PCB-10', revision: '1.%', quantity: 1, count: 0, valid: false, message: '0 of 1 present' }]);

    const pair = { parentSerialNumber: 'P1', parentPartNumber: 'PSU-200', childSerialNumber: 'C1', childPartNumber: 'PCB-10' };
    await client.production.removeChildUnit(pair);
    expect((await client.production.getUnit('P1', 'PSU-200')).subUnits).toEqual([]);
    expect((await client.production.getUnit('C1', 'PCB-10')).parentSerialNumber).toBeUndefined();
    await expect(client.production.removeChildUnit(pair)).rejects.toBeInstanceOf(BadRequestError);
    const last = (await client.production.getUnitChanges({ maxCount: 100 })).at(-1);
    expect(last).toEqual({ id: last!.id, unitSerialNumber: 'C1', newPartNumber: 'PCB-10', newRevision: '1.0', newUnitPhaseId: 16 });
  });

  it('sets the unit phase and the process by processName, and saves batches', async () => {
    const sim = await testSim();
    const { client, calls } = recording(sim);
    await catalogue(client);
    await client.production.saveUnits([{ serialNumber: 'P1', partNumber: 'PSU-200', revision: 'A' }]);
    await client.production.setUnitProcess({ serialNumber: 'P1', partNumber: 'PSU-200', processName: 'sw debug' });
    await client.production.setUnitPhase({ serialNumber: 'P1', partNumber: 'PSU-200', phase: 1024 });
    expect(await client.production.getUnit('P1', 'PSU-200')).toMatchObject({ processCode: '10', unitPhaseId: 1024, unitPhase: 'In storage' });
    for (const processName of ['Soldering', 'Legacy Test']) {
      const err = await client.production.setUnitProcess({ serialNumber: 'P1', partNumber: 'PSU-200', processName }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as Error).message).toMatch(/^400 .*processName: /);
    }
    await client.production.setUnitProcess({ serialNumber: 'P1', partNumber: 'PSU-200', processName: 'Burn-in' });
    expect((await client.production.getUnit('P1', 'PSU-200')).processCode).toBe('40');
    await expect(client.production.setUnitPhase({ serialNumber: 'P1', partNumber: 'PSU-200', phase: 3 })).rejects.toBeInstanceOf(BadRequestError);

    expect(await client.production.saveBatches([{ batchNumber: 'B-1', batchSize: 50 }, { batchNumber: 'B-2' }])).toEqual({ insertCount: 2, updateCount: 0 });
    expect(await client.production.saveBatches([{ batchNumber: 'b-1', batchSize: 60 }])).toEqual({ insertCount: 0, updateCount: 1 });
    const bad = await client.production.saveBatches([{ batchSize: 1 }]).catch((e: unknown) => e);
    expect((bad as Error).message).toMatch(/\[0\]\.batchNumber: required/);

    // regression: pyWATS sent processCode (and comment); the spec requires processName
    const process = calls.find((c) => c.url.pathname === '/api/Production/SetUnitProcess');
    expect(queryNames(process)).toEqual(['serialNumber', 'partNumber', 'processName']);
    const batches = calls.find((c) => c.url.pathname === '/api/Production/Batches')!;
    expect(batches.method).toBe('PUT');
    expect(Array.isArray(JSON.parse(String(batches.body)))).toBe(true);
  });

  it('rejects the parameter names pyWATS used on the production routes', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await catalogue(client);
    await client.production.saveUnits([{ serialNumber: 'P1', partNumber: 'PSU-200', revision: 'A' }]);
    const attempts: [string, 'GET' | 'PUT', Record<string, string>, RegExp][] = [
      ['/api/Production/SetUnitProcess', 'PUT', { serialNumber: 'P1', partNumber: 'PSU-200', processCode: '10' }, /processName: required/],
      ['/api/Production/Units/Changes', 'GET', { $top: '10' }, /maxCount: required/],
      ['/api/Production/CheckChildUnits', 'GET', { serialNumber: 'P1', partNumber: 'PSU-200', revision: 'A' }, /parentSerialNumber: required/],
      ['/api/Production/SerialNumbers/ByRange', 'GET', { typeName: 'MACAddress', from: 'a', to: 'b' }, /serialNumberType: required/],
      ['/api/Production/SerialNumbers/ByReference', 'GET', { typeName: 'MACAddress', referenceSerialNumber: 'P1' }, /serialNumberType: required/],
      ['/api/Production/SerialNumbers', 'GET', { typeName: 'MACAddress', state: 'free', format: 'csv' }, /serialNumberType: required/],
    ];
    for (const [path, method, query, message] of attempts) {
      const err = await client.request({ method, path, query }).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(BadRequestError);
      expect((err as Error).message, path).toMatch(message);
    }
    // the contract checker named every wrong name
    const flagged = sim.contractViolations().map((v) => v.message);
    for (const name of ['processCode', '$top', 'revision', 'typeName', 'from', 'referenceSerialNumber', 'state']) {
      expect(flagged).toContain(`unknown query parameter '${name}'`);
    }
    await clearContract(sim);
  });
});

describe('unit verification', () => {
  const t0 = Date.parse('2026-04-01T10:00:00Z');
  function uut(serialNumber: string, processCode: number, passed: boolean, minutes: number): UutReport {
    const b = createUutReport({
      partNumber: 'PSU-200',
      revision: 'A',
      serialNumber,
      processCode,
      stationName: `ST-${processCode}`,
      location: 'Line 1',
      purpose: 'Production',
      start: new Date(t0 + minutes * 60_000),
    });
    b.root.addPassFail('Check', passed);
    return b.build();
  }

  it('grades a unit from the test and repair reports submitted for it', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const failed = uut('V-1', 50, false, 10);
    for (const r of [uut('V-1', 10, true, 0), failed, uut('V-1', 50, true, 30)]) await client.reports.submit(r);
    const repair = createUurReport({
      partNumber: 'PSU-200',
      revision: 'A',
      serialNumber: 'V-1',
      repairProcessCode: 500,
      testProcessCode: 50,
      refUut: failed.id!,
      stationName: 'RW-1',
      location: 'Line 1',
      purpose: 'Repair',
      start: new Date(t0 + 20 * 60_000),
    }).build();
    await client.reports.submit(repair);

    const grade = await client.production.verifyUnit({ serialNumber: 'V-1', partNumber: 'PSU-200' });
    expect(grade).toMatchObject({
      status: 'Passed',
      grade: 'C',
      allProcessesExecutedInCorrectOrder: true,
      allProcessesPassedFirstRun: false,
      allProcessesPassedAnyRun: true,
      allProcessesPassedLastRun: true,
      noRepairs: false,
    });
    expect(grade.results?.map((r) => [r.processCode, r.status, r.totalCount, r.nonPassedCount, r.repairCount, r.stationName])).toEqual([
      [10, 'Passed', 1, 0, 0, 'ST-10'],
      [50, 'Passed', 2, 1, 1, 'ST-50'],
    ]);
    expect(grade.results?.[0]).toMatchObject({ processName: 'SW Debug', startUtc: '2026-04-01T10:00:00.000Z' });
    expect(grade.results![0]!.processIndex!).toBeLessThan(grade.results![1]!.processIndex!);

    // first-time pass everywhere, in order: A; in the wrong order: B; failing now: D
    for (const r of [uut('V-2', 10, true, 0), uut('V-2', 50, true, 5), uut('V-3', 50, true, 0), uut('V-3', 10, true, 5)]) {
      await client.reports.submit(r);
    }
    for (const r of [uut('V-4', 10, true, 0), uut('V-4', 10, false, 5), uut('V-5', 10, false, 0)]) await client.reports.submit(r);
    const grades = await Promise.all(['V-2', 'V-3', 'V-4', 'V-5'].map((sn) => client.production.verifyUnit({ serialNumber: sn })));
    expect(grades.map((g) => [g.status, g.grade, g.allProcessesExecutedInCorrectOrder])).toEqual([
      ['Passed', 'A', true],
      ['Passed', 'B', false],
      ['Failed', 'D', true],
      ['Failed', 'F', true],
    ]);

    // a unit that exists but was never tested, and one nobody knows
    await catalogue(client);
    await client.production.saveUnits([{ serialNumber: 'V-9', partNumber: 'PSU-200', revision: 'A' }]);
    expect(await client.production.verifyUnit({ serialNumber: 'V-9' })).toMatchObject({ status: 'Unknown', results: [] });
    await expect(client.production.verifyUnit({ serialNumber: 'V-1', partNumber: 'PCB-10' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('persistence', () => {
  it('keeps products, units, the change queue and taken serial numbers over a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tswats-production-'));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    const first = await testSim({ dataDir });
    const before = clientFor(first);
    await catalogue(before);
    await before.production.saveUnits([{ serialNumber: 'K-1', partNumber: 'PSU-200', revision: 'A' }]);
    const taken = await before.production.takeSerialNumbers({ serialNumberType: 'SerialNumber', quantity: 2, refSN: 'K-1' });
    await first.close();

    const second = await testSim({ dataDir });
    const after = clientFor(second);
    expect((await after.production.getUnit('K-1', 'PSU-200')).productRevision?.revision).toBe('A');
    expect((await after.production.getUnitChanges({ maxCount: 5 })).map((c) => c.unitSerialNumber)).toEqual(['K-1']);
    const again = await after.production.getSerialNumbersByReference({ serialNumberType: 'SerialNumber', refSN: 'K-1' });
    expect(again.map((n) => n.serialNumber)).toEqual(taken);
    // the pool goes on after the numbers already taken
    expect(await after.production.takeSerialNumbers({ serialNumberType: 'SerialNumber', quantity: 1 })).toEqual(['00010002']);
  });
});
