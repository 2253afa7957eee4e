import { describe, expect, it } from 'vitest';
import { eq } from '@tswats/sdk';
import { clientFor, memoryLogger, testSim } from '../helpers.js';
import { submitAll, testRun } from './analytics-helpers.js';

describe('processes', () => {
  it('lists the active test, repair and WIP operations by default', async () => {
    const sim = await testSim();
    const processes = await clientFor(sim).process.list();
    const codes = processes.map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining([10, 30, 50, 100, 200, 250, 500, 510, 520]));
    expect(codes).not.toContain(90); // "Legacy Test" is inactive
    expect(processes.find((p) => p.code === 10)).toMatchObject({
      name: 'SW Debug', isTestOperation: true, isRepairOperation: false, isWipOperation: false, state: 1,
    });
    expect(processes.find((p) => p.code === 200)).toMatchObject({ name: 'Assembly', isWipOperation: true });
    // Repair operations carry the settings the operation's description documents.
    expect(processes.find((p) => p.code === 500)).toMatchObject({
      name: 'Repair', isRepairOperation: true, uutBinding: 0, bomBinding: 1, vendorBinding: 2, imageConstraint: 1, repairType: 0,
    });
    expect(processes.find((p) => p.code === 520)).toMatchObject({ name: 'Scrap', repairType: 2 });
    expect(new Set(processes.map((p) => p.processId)).size).toBe(processes.length);
    expect(processes.map((p) => p.processIndex)).toEqual([...processes.map((p) => p.processIndex)].sort((a, b) => a! - b!));
  });

  it('the include flags pick kinds, and inactive processes on request (pyWATS sends no flags)', async () => {
    const sim = await testSim();
    const logger = memoryLogger();
    const client = clientFor(sim, { logger, logLevel: 'debug' });
    const repair = await client.process.list({ includeRepairOperations: true });
    expect(repair.map((p) => p.code)).toEqual([500, 510, 520]);
    const testAndWip = await client.process.list({ includeRepairOperations: false });
    expect(testAndWip.every((p) => !p.isRepairOperation)).toBe(true);
    expect(testAndWip.some((p) => p.isWipOperation)).toBe(true);
    const tests = await client.process.list({ includeTestOperations: true, includeInactiveProcesses: true });
    expect(tests.every((p) => p.isTestOperation)).toBe(true);
    expect(tests.find((p) => p.code === 90)).toMatchObject({ name: 'Legacy Test', state: 0 });
    expect(logger.lines.some((l) => l.includes('/api/App/Processes?includeTestOperations=true&includeInactiveProcesses=true'))).toBe(true);
  });

  it('the process table names the process in report headers and analytics', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await submitAll(client, [testRun({ sn: 'ICT-1', process: 30 }), testRun({ sn: 'ICT-2', process: 30, v3: 3.9 })]);
    const [header] = await client.reports.queryHeaders({ filter: eq('serialNumber', 'ICT-1') });
    expect(header).toMatchObject({ processCode: 30, processName: 'ICT' });
    const rows = await client.analytics.dynamicYield({ testOperation: 'ICT', dimensions: 'testOperation;processCode;unitCount;fpy' });
    expect(rows).toEqual([{ testOperation: 'ICT', processCode: 30, unitCount: 2, fpy: 50 }]);
  });
});

describe('levels and product groups', () => {
  it('levels form a hierarchy; product groups list their part-number filters on request', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const levels = await client.process.levels();
    expect(levels).toEqual([
      { levelId: 1, levelName: 'Acme' },
      { levelId: 2, levelName: 'Norway', parentId: 1 },
      { levelId: 3, levelName: 'Line 1', parentId: 2 },
      { levelId: 4, levelName: 'Line 2', parentId: 2 },
      { levelId: 5, levelName: 'Line 3', parentId: 2 },
      { levelId: 6, levelName: 'Lab', parentId: 1 },
    ]);
    expect(await client.process.productGroups()).toEqual([
      { productGroupId: 1, productGroupName: 'Power supplies' },
      { productGroupId: 2, productGroupName: 'Controllers' },
      { productGroupId: 3, productGroupName: 'Sensors' },
    ]);
    const withFilters = await client.process.productGroups({ includeFilters: true });
    expect(withFilters[0]).toEqual({ productGroupId: 1, productGroupName: 'Power supplies', filters: [{ field: 'partNumber', value: 'PSU-%' }] });
  });

  it('levels and product groups filter analytics by id or by name', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await submitAll(client, [
      testRun({ sn: 'L1', pn: 'PSU-1', location: 'Line 1' }),
      testRun({ sn: 'L2', pn: 'PSU-1', location: 'Line 2' }),
      testRun({ sn: 'L3', pn: 'SNS-4', location: 'Lab' }),
      testRun({ sn: 'L4', pn: 'OTHER-1', location: 'Elsewhere' }),
    ]);
    const count = async (filter: Record<string, string>) =>
      (await client.analytics.dynamicYield({ ...filter, dimensions: 'unitCount' }))[0]?.unitCount ?? 0;
    expect(await count({})).toBe(4);
    expect(await count({ level: 'Norway' })).toBe(2); // Line 1 and Line 2 are below Norway
    expect(await count({ level: '3' })).toBe(1);
    expect(await count({ level: 'Acme' })).toBe(3); // everything but the unknown location
    expect(await count({ productGroup: 'Sensors' })).toBe(1);
    expect(await count({ productGroup: '1;3' })).toBe(3);
    expect(await count({ productGroup: 'Power%', level: 'Line 2' })).toBe(1);
    const byGroup = await client.analytics.dynamicYield({ dimensions: 'productGroup;level;unitCount' });
    expect(byGroup).toEqual([
      { productGroup: 'Power supplies', level: 'Line 1', unitCount: 1 },
      { productGroup: 'Power supplies', level: 'Line 2', unitCount: 1 },
      { productGroup: 'Sensors', level: 'Lab', unitCount: 1 },
      { unitCount: 1 },
    ]);
  });
});
