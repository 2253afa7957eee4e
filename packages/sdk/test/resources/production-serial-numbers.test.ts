import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError } from '@tswats/sdk';
import { testSim } from '../helpers.js';
import { queryNames, recording } from './product-helpers.js';

describe('serial numbers', () => {
  it('lists the types, takes numbers for a reference and finds them by reference and by range', async () => {
    const sim = await testSim();
    const { client, calls } = recording(sim);
    const types = await client.production.getSerialNumberTypes();
    expect(types.map((t) => [t.name, t.identifier, t.identifierName])).toEqual([
      ['SerialNumber', 0, 'SerialNumber'],
      ['MACAddress', 1, 'MACAddress'],
      ['IMEI', 2, 'IMEI'],
    ]);

    const take = { serialNumberType: 'MACAddress', refSN: 'P-001', refPN: 'PSU-200', stationName: 'ST-1' };
    expect(await client.production.takeSerialNumbers({ ...take, quantity: 3 })).toEqual(['02:00:00:00:00:00', '02:00:00:00:00:01', '02:00:00:00:00:02']);
    expect(await client.production.takeSerialNumbers({ ...take, refSN: 'P-002', quantity: 1 })).toEqual(['02:00:00:00:00:03']);

    const mine = await client.production.getSerialNumbersByReference({ serialNumberType: 'macaddress', refSN: 'p-001' });
    expect(mine.map((n) => [n.serialNumber, n.state, n.refPN, n.stationName])).toEqual([
      ['02:00:00:00:00:00', 'Taken', 'PSU-200', 'ST-1'],
      ['02:00:00:00:00:01', 'Taken', 'PSU-200', 'ST-1'],
      ['02:00:00:00:00:02', 'Taken', 'PSU-200', 'ST-1'],
    ]);
    expect(await client.production.getSerialNumbersByReference({ serialNumberType: 'MACAddress', refPN: 'PSU-200' })).toHaveLength(4);
    expect(await client.production.getSerialNumbersByReference({ serialNumberType: 'MACAddress', refSN: 'P-001', refPN: 'PSU-300' })).toEqual([]);

    const range = { serialNumberType: 'MACAddress', startAddress: '02:00:00:00:00:02', endAddress: '02-00-00-00-00-05' };
    const inRange = await client.production.getSerialNumbersByRange(range);
    expect(inRange.map((n) => `${n.serialNumber} ${n.state}`)).toEqual([
      '02:00:00:00:00:02 Taken',
      '02:00:00:00:00:03 Taken',
      '02:00:00:00:00:04 Free',
      '02:00:00:00:00:05 Free',
    ]);
    // dates filter on when a number was taken: free numbers drop out, future dates match nothing
    expect(await client.production.getSerialNumbersByRange({ ...range, startDate: new Date(Date.now() - 60_000) })).toHaveLength(2);
    expect(await client.production.getSerialNumbersByRange({ ...range, startDate: new Date(Date.now() + 60_000) })).toEqual([]);

    // regression: pyWATS sent typeName/from/to and referenceSerialNumber/referencePartNumber
    const byRange = calls.find((c) => c.url.pathname.endsWith('/ByRange'));
    expect(queryNames(byRange)).toEqual(['serialNumberType', 'startAddress', 'endAddress']);
    const byRef = calls.find((c) => c.url.pathname.endsWith('/ByReference'));
    expect(queryNames(byRef)).toEqual(['serialNumberType', 'refSN']);
    expect(queryNames(calls.find((c) => c.url.pathname.endsWith('/Take')))).toEqual([
      'serialNumberType', 'quantity', 'refSN', 'refPN', 'stationName', 'format',
    ]);

    const badAddress = await client.production.getSerialNumbersByRange({ ...range, startAddress: 'zz' }).catch((e: unknown) => e);
    expect((badAddress as Error).message).toMatch(/startAddress: 'zz' is not a MACAddress/);
    await expect(client.production.takeSerialNumbers({ serialNumberType: 'Nope', quantity: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.production.takeSerialNumbers({ serialNumberType: 'IMEI', quantity: 0 })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('uploads files as multipart form data, exports them as CSV or XML, and takes gap-free runs', async () => {
    const sim = await testSim();
    const { client, calls } = recording(sim);
    const csv = 'SerialNumber\r\n356938035643800\r\n356938035643801\r\n"356938035643809"\r\n';
    expect(await client.production.uploadSerialNumbers({ serialNumberType: 'IMEI', format: 'CSV', file: csv })).toEqual({ insertCount: 3, skipCount: 0 });
    const upload = calls.at(-1)!;
    expect(upload.body).toBeInstanceOf(FormData);
    expect(queryNames(upload)).toEqual(['serialNumberType', 'format']);
    const xml = '<SerialNumbers><SN id="356938035643801" /><SN id="356938035643810" /></SerialNumbers>';
    expect(await client.production.uploadSerialNumbers({ serialNumberType: 'IMEI', format: 'XML', file: new TextEncoder().encode(xml) })).toEqual({
      insertCount: 1,
      skipCount: 1,
    });
    const bad = await client.production.uploadSerialNumbers({ serialNumberType: 'IMEI', format: 'CSV', file: '35693803564380\nabc\n' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as Error).message).toMatch(/line 1: '35693803564380' is not a IMEI.*line 2: 'abc'/);

    // 800, 801 | 809, 810: no run of three, so an in-sequence take of 3 fails and takes nothing
    const run = await client.production.takeSerialNumbers({ serialNumberType: 'IMEI', quantity: 3, onlyInSequence: true }).catch((e: unknown) => e);
    expect((run as Error).message).toMatch(/no run of 3 consecutive free IMEI numbers \(the longest is 2\)/);
    await client.production.takeSerialNumbers({ serialNumberType: 'IMEI', quantity: 1, refPN: 'PHONE' });
    expect(await client.production.takeSerialNumbers({ serialNumberType: 'IMEI', quantity: 2, onlyInSequence: true, refPN: 'PHONE' })).toEqual([
      '356938035643809',
      '356938035643810',
    ]);
    // only one left: a plain take gets what there is
    expect(await client.production.takeSerialNumbers({ serialNumberType: 'IMEI', quantity: 5 })).toEqual(['356938035643801']);

    const exported = await client.production.exportSerialNumbers({ serialNumberType: 'IMEI', format: 'CSV' });
    const lines = exported.trim().split('\r\n');
    expect(lines[0]).toBe('SerialNumber,State,RefSN,RefPN,StationName,GeneratedDate,TakenDate');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      '356938035643800,Taken,,PHONE',
      '356938035643801,Taken,,',
      '356938035643809,Taken,,PHONE',
      '356938035643810,Taken,,PHONE',
    ]);
    const part = await client.production.exportSerialNumbers({
      serialNumberType: 'SerialNumber',
      format: 'XML',
      startAddress: '00010998',
      endAddress: '00019999',
    });
    expect(part).toMatch(/^<\?xml/);
    expect([...part.matchAll(/<SN id="(\d+)" state="Free"/g)].map((m) => m[1])).toEqual(['00010998', '00010999']);
    const exportCall = calls.at(-1)!;
    expect(queryNames(exportCall)).toEqual(['serialNumberType', 'format', 'startAddress', 'endAddress']);

    const wrongFormat = await client.production.exportSerialNumbers({ serialNumberType: 'IMEI', format: 'JSON' as 'CSV' }).catch((e: unknown) => e);
    expect((wrongFormat as Error).message).toMatch(/format: must be XML or CSV/);
    // pyWATS's raw (not multipart) upload body is refused
    const rawUpload = await client
      .request({ method: 'PUT', path: '/api/Production/SerialNumbers', query: { serialNumberType: 'IMEI', format: 'CSV' }, body: csv, contentType: 'text/csv' })
      .catch((e: unknown) => e);
    expect((rawUpload as Error).message).toMatch(/multipart\/form-data/);
    const noReference = await client
      .request({ method: 'GET', path: '/api/Production/SerialNumbers/ByReference', query: { serialNumberType: 'IMEI' } })
      .catch((e: unknown) => e);
    expect((noReference as Error).message).toMatch(/refSN, refPN: give one of them/);
  });
});
