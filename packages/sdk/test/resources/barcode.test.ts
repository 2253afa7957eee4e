import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';

describe('barcode identifiers', () => {
  it('adds, lists in check order, updates and deletes identifiers', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const a = await client.barcode.saveIdentifier({
      pattern: '^PSU',
      serialNumber: 'S(\\d{6})',
      partNumber: '^(PSU-\\d+)',
      description: 'PSU-200 S123456',
    });
    expect(a).toMatchObject({ id: 1, order: 1, pattern: '^PSU' });
    const b = await client.barcode.saveIdentifier({ pattern: '^\\d{8}$', serialNumber: '.*', order: 0, description: '8 digits' });
    expect(b).toMatchObject({ id: 2, order: 0 });
    expect((await client.barcode.listIdentifiers()).map((i) => i.id)).toEqual([2, 1]);

    const a2 = await client.barcode.saveIdentifier({ ...a, revision: 'R([A-Z])$', order: 5 });
    expect(a2).toMatchObject({ id: 1, order: 5, revision: 'R([A-Z])$' });
    expect(await client.barcode.listIdentifiers()).toEqual([b, a2]);

    await client.barcode.deleteIdentifier(2);
    expect(await client.barcode.listIdentifiers()).toEqual([a2]);
    await expect(client.barcode.deleteIdentifier(2)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.barcode.saveIdentifier({ id: 99, pattern: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('identifies a barcode by really applying the stored expressions, first match by order', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await client.barcode.saveIdentifier({
      pattern: '^PSU-\\d+;S\\d+;R[A-Z]$',
      partNumber: '^(?<pn>PSU-\\d+)',
      serialNumber: ';S(\\d+);',
      revision: 'R([A-Z])$',
      process: '(?i)^psu',
      order: 2,
      description: 'PSU-200;S000123;RB',
    });
    await client.barcode.saveIdentifier({ pattern: ';S0001', serialNumber: 'S(\\d+)', order: 1, description: 'early serials' });

    // The order-1 identifier wins when its pattern matches…
    expect(await client.barcode.identify('PSU-200;S000123;RB')).toEqual({
      id: 2,
      order: 1,
      pattern: ';S0001',
      description: 'early serials',
      serialNumber: '000123',
    });
    // …else the next one applies each field expression (named group, capture group, whole match).
    expect(await client.barcode.identify('PSU-200;S999999;RC')).toEqual({
      id: 1,
      order: 2,
      pattern: '^PSU-\\d+;S\\d+;R[A-Z]$',
      description: 'PSU-200;S000123;RB',
      partNumber: 'PSU-200',
      serialNumber: '999999',
      revision: 'C',
      process: 'PSU',
    });
  });

  it('falls back to the default format SerialNumber/PartNumber/Revision/BatchNumber/Process', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    expect(await client.barcode.identify('SN-77/PN-1/B/LOT9/10')).toEqual({
      serialNumber: 'SN-77',
      partNumber: 'PN-1',
      revision: 'B',
      batchNumber: 'LOT9',
      process: '10',
    });
    expect(await client.barcode.identify('SN-78')).toEqual({ serialNumber: 'SN-78' });
  });

  it('refuses an identifier whose expression is not a valid regular expression', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await expect(client.barcode.saveIdentifier({ pattern: '^(PSU', serialNumber: '.*' })).rejects.toThrow(/pattern: not a valid regular expression/);
    await expect(client.barcode.saveIdentifier({ description: 'nothing to match with' })).rejects.toBeInstanceOf(BadRequestError);
    expect(await client.barcode.listIdentifiers()).toEqual([]);
  });
});
