import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { validateAgainstSpec, type SimHandle } from '@tswats/sim';
import { expectNoViolations, getJson, makeUut, postReport, startTestSim } from './helpers.js';

const ids = {
  a: randomUUID(),
  b: randomUUID(),
  c: randomUUID(),
  d: randomUUID(),
  r: randomUUID(),
};

// A: second run of SN-001 (started later than B although submitted first).
const reports = [
  makeUut({
    id: ids.a, sn: 'SN-001', pn: 'PCBA-100', result: 'P', start: '2024-01-01T10:00:00+02:00', user: 'alice',
    extra: {
      subUnits: [{ pn: 'SUB-1', sn: 'S-1', rev: 'B', partType: 'PCBA' }],
      miscInfos: [{ description: 'Firmware', text: '1.0.7' }],
      assets: [{ sn: 'ASSET-9', usageCount: 4 }],
      assetStats: [{ sn: 'ASSET-9', runningCount: 12, totalCount: 400, daysSinceCalibration: 3.5 }],
    },
  }),
  makeUut({ id: ids.b, sn: 'SN-001', pn: 'PCBA-100', result: 'F', start: '2024-01-01T07:30:00Z', user: 'bob' }),
  makeUut({ id: ids.c, sn: "O'Brien", pn: 'PCBA-200', processCode: 20, result: 'P', start: '2024-02-01T00:00:00Z' }),
  makeUut({ id: ids.d, sn: 'SN-003', pn: 'PCBA-200', result: 'E', start: '2023-12-31T23:59:59-01:00', machineName: 'Station-2' }),
  {
    id: ids.r, type: 'R', pn: 'PCBA-100', sn: 'SN-001', rev: 'A', processCode: 500, result: 'P',
    machineName: 'Repair-1', location: 'Lab', purpose: 'Repair', start: '2024-01-02T00:00:00Z',
    uur: { user: 'tech', comment: 'replaced C12', processCode: 10, refUUT: ids.b, confirmDate: '2024-01-02T00:00:00Z', finalizeDate: '2024-01-02T00:00:00Z', execTime: 0 },
    subUnits: [{ pn: 'PCBA-100', sn: 'SN-001', rev: 'A', idx: 0, failures: [{ category: 'Component', code: 'CAP', attachments: [{ name: 'cap.png', contentType: 'image/png', data: 'iVBORw==' }] }] }],
    miscInfos: [{ description: 'Cause', text: 'cold solder' }],
    binaryData: [{ name: 'photo.jpg', contentType: 'image/jpeg', data: '/9j/' }],
  },
];

let sim: SimHandle;
beforeAll(async () => {
  sim = await startTestSim();
  for (const report of reports) expect((await postReport(sim, report)).status).toBe(200);
});
afterEach(() => expectNoViolations(sim));
afterAll(() => sim.close());

async function query(options: Record<string, string>) {
  return getJson(sim, '/api/Report/Query/Header', options);
}

/** Runs a filter and returns the matching ids in the default order. */
async function uuids(filter: string): Promise<string[]> {
  const res = await query({ $filter: filter, $top: '100' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.map((h: { uuid: string }) => h.uuid);
}

describe('GET /api/Report/Query/Header', () => {
  test('derives every header field from the stored report and fits the spec schema', async () => {
    const res = await query({ $filter: `uuid eq ${ids.a}` });
    expect(res.body).toEqual([
      {
        uuid: ids.a, serialNumber: 'SN-001', partNumber: 'PCBA-100', reportType: 'T', start: '2024-01-01T08:00:00Z',
        revision: 'A', result: 'Passed', userName: 'alice', stationName: 'Station-1', location: 'Lab',
        purpose: 'Production', measuresDeleted: false, timeStamp: 1, processCode: 10, processName: 'SW Debug',
        executionTime: 1.5, swFilename: 'C:/seq/main.seq', swVersion: '1.2.3', fixtureId: 'FX-1', run: 2,
        receiveCount: 1, reportSize: 1,
      },
    ]);
    expect(validateAgainstSpec({ operation: 'Report_HeaderQuery' }, res.body)).toEqual([]);
  });

  test('derives UUR headers: result word, repair process, referenced UUT', async () => {
    const [h] = (await query({ $filter: "reportType eq 'R'" })).body;
    expect(h).toMatchObject({ uuid: ids.r, reportType: 'R', processCode: 500, processName: 'Repair', userName: 'tech', comment: 'replaced C12', referencedUut: ids.b, run: 1 });
  });

  test('orders by start descending and returns 10 by default', async () => {
    const res = await query({});
    expect(res.body.map((h: { uuid: string }) => h.uuid)).toEqual([ids.c, ids.r, ids.a, ids.b, ids.d]);
  });

  test('orders by any allowed field, asc/desc, several keys, and accepts `timestamp`', async () => {
    const order = async (orderby: string) => (await query({ $orderby: orderby })).body.map((h: { uuid: string }) => h.uuid);
    expect(await order('start asc')).toEqual([ids.d, ids.b, ids.a, ids.r, ids.c]);
    expect(await order('timestamp')).toEqual([ids.a, ids.b, ids.c, ids.d, ids.r]);
    expect(await order('timeStamp desc')).toEqual([ids.r, ids.d, ids.c, ids.b, ids.a]);
    expect(await order('serialNumber desc,start asc')).toEqual([ids.d, ids.b, ids.a, ids.r, ids.c]);
    expect(await order('uuid')).toEqual([...Object.values(ids)].sort());
  });

  test('rejects $orderby on other fields', async () => {
    expect((await query({ $orderby: 'partNumber' })).status).toBe(400);
    expect((await query({ $orderby: 'start sideways' })).status).toBe(400);
  });

  test('pages with $top and $skip, and caps $top at 10000', async () => {
    const page = (await query({ $top: '2', $skip: '1' })).body.map((h: { uuid: string }) => h.uuid);
    expect(page).toEqual([ids.r, ids.a]);
    expect((await query({ $top: '10000' })).status).toBe(200);
    const tooMany = await query({ $top: '10001' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.Message).toMatch(/10000/);
    expect((await query({ $top: '-1' })).status).toBe(400);
    expect((await query({ $skip: 'x' })).status).toBe(400);
  });

  test('$select returns only the chosen fields', async () => {
    const res = await query({ $select: 'uuid,serialNumber', $filter: `uuid eq ${ids.c}` });
    expect(res.body).toEqual([{ uuid: ids.c, serialNumber: "O'Brien" }]);
    expect((await query({ $select: 'nope' })).status).toBe(400);
  });

  test('$expand adds the collections (names ignore case as in the spec example)', async () => {
    const res = await query({ $filter: `uuid eq ${ids.a}`, $expand: 'subunits,miscInfo,assets,attachments' });
    expect(res.body[0]).toMatchObject({
      subUnits: [{ partType: 'PCBA', serialNumber: 'S-1', partNumber: 'SUB-1', revision: 'B' }],
      miscInfo: [{ description: 'Firmware', value: '1.0.7' }],
      assets: [{ serialNumber: 'ASSET-9', runningCount: 12, totalCount: 400, daysSinceCalibration: 3.5 }],
      attachments: [],
    });
    const uur = await query({ $filter: `uuid eq ${ids.r}`, $expand: 'uurSubUnits,uurMiscInfo,uurAttachments' });
    expect(uur.body[0].uurSubUnits).toEqual([{ serialNumber: 'SN-001', partNumber: 'PCBA-100', revision: 'A' }]);
    expect(uur.body[0].uurMiscInfo).toEqual([{ description: 'Cause', value: 'cold solder' }]);
    expect(uur.body[0].uurAttachments.map((a: { filename: string }) => a.filename)).toEqual(['photo.jpg', 'cap.png']);
    expect((await query({ $expand: 'steps' })).status).toBe(400);
    expect((await query({ $expand: 'subUnits($select=partNumber)' })).status).toBe(400);
  });
});

describe('$filter', () => {
  test('comparison operators on strings, numbers and results', async () => {
    expect(await uuids("serialNumber eq 'SN-003'")).toEqual([ids.d]);
    expect(await uuids("serialNumber ne 'SN-001'")).toEqual([ids.c, ids.d]);
    expect(await uuids('processCode gt 10')).toEqual([ids.c, ids.r]);
    expect(await uuids('processCode ge 20')).toEqual([ids.c, ids.r]);
    expect(await uuids('processCode lt 20')).toEqual([ids.a, ids.b, ids.d]);
    expect(await uuids('processCode le 10')).toEqual([ids.a, ids.b, ids.d]);
    expect(await uuids("result eq 'Failed'")).toEqual([ids.b]);
    expect(await uuids('executionTime gt 1.25')).toEqual([ids.c, ids.a, ids.b, ids.d]);
    expect(await uuids('measuresDeleted eq false')).toHaveLength(5);
    expect(await uuids('run eq 2')).toEqual([ids.a]);
  });

  test('string comparisons ignore case, like the SQL Server collation', async () => {
    expect(await uuids("serialNumber eq 'sn-003'")).toEqual([ids.d]);
  });

  test("string literals escape quotes by doubling them ('O''Brien')", async () => {
    expect(await uuids("serialNumber eq 'O''Brien'")).toEqual([ids.c]);
  });

  test('in, and, or, not and parentheses', async () => {
    expect(await uuids("serialNumber in ('SN-003', 'O''Brien')")).toEqual([ids.c, ids.d]);
    expect(await uuids("partNumber eq 'PCBA-100' and result eq 'Passed'")).toEqual([ids.r, ids.a]);
    expect(await uuids("result eq 'Failed' or result eq 'Error'")).toEqual([ids.b, ids.d]);
    expect(await uuids("not (partNumber eq 'PCBA-100')")).toEqual([ids.c, ids.d]);
    expect(await uuids("not contains(serialNumber, 'SN')")).toEqual([ids.c]);
    expect(await uuids("(result eq 'Failed' or result eq 'Error') and partNumber eq 'PCBA-200'")).toEqual([ids.d]);
    expect(await uuids("result eq 'Failed' or result eq 'Error' and partNumber eq 'PCBA-200'")).toEqual([ids.b, ids.d]);
  });

  test('contains, startswith, endswith and other string functions', async () => {
    expect(await uuids("contains(serialNumber, 'brie')")).toEqual([ids.c]);
    expect(await uuids("startswith(partNumber, 'PCBA-2')")).toEqual([ids.c, ids.d]);
    expect(await uuids("endswith(stationName, '-2')")).toEqual([ids.d]);
    expect(await uuids("tolower(serialNumber) eq 'o''brien'")).toEqual([ids.c]);
    expect(await uuids('length(serialNumber) eq 7')).toEqual([ids.c]);
  });

  test('DateTimeOffset literals compare as instants, offsets included', async () => {
    expect(await uuids('start ge 2024-01-01T00:00:00Z and start lt 2024-01-02T00:00:00Z')).toEqual([ids.a, ids.b, ids.d]);
    expect(await uuids('start eq 2024-01-01T09:30:00+02:00')).toEqual([ids.b]);
    expect(await uuids('start lt 2024-01-01T03:00:00-05:00')).toEqual([ids.b, ids.d]);
    expect(await uuids('start le 2024-01-01T03:00:00-05:00')).toEqual([ids.a, ids.b, ids.d]);
    expect(await uuids('start lt 2023-12-31T20:00:00-05:00')).toEqual([ids.d]);
    expect(await uuids('start gt 2024-01-31T18:59:59.500-05:00')).toEqual([ids.c]);
  });

  test('GUID literals are bare; null compares with absent values', async () => {
    expect(await uuids(`uuid eq ${ids.b.toUpperCase()}`)).toEqual([ids.b]);
    expect(await uuids(`referencedUut eq ${ids.b}`)).toEqual([ids.r]);
    expect(await uuids('referencedUut ne null')).toEqual([ids.r]);
    expect(await uuids('batchNumber eq null')).toHaveLength(5);
  });

  test('any/all over collections', async () => {
    expect(await uuids("subUnits/any(s: s/partNumber eq 'SUB-1')")).toEqual([ids.a]);
    expect(await uuids('miscInfo/any()')).toEqual([ids.a]);
    expect(await uuids("uurSubUnits/all(u: u/serialNumber eq 'SN-001') and reportType eq 'R'")).toEqual([ids.r]);
  });

  const unsupported: Array<[string, RegExp]> = [
    ['processCode add 1 eq 11', /arithmetic/],
    ['year(start) eq 2024', /not supported/],
    ['round(executionTime) eq 2', /not supported/],
    ["result has 'x'", /has/],
    ['serialNumber eq', /expected|unexpected/],
    ["(serialNumber eq 'x'", /expected '\)'/],
    ["SerialNumber eq 'x'", /could not find a property named 'SerialNumber'/],
    ["serialNumber eq 'x' extra", /unexpected/],
    ["serialNumber eq 'unterminated", /unterminated/],
    ['serialNumber eq 5', /incompatible types/],
    ["uuid eq '00000000-0000-0000-0000-000000000000'", /incompatible types/],
    ['start ge 2024-01-01T00:00:00', /time zone/],
    ['start ge 2024-01-01', /Edm.Date/],
    ["not serialNumber eq 'x'", /Boolean/],
    ['serialNumber', /Boolean/],
    ["serialNumber eq 'a' && partNumber eq 'b'", /unexpected character/],
    ["serialNumber EQ 'x'", /unexpected/],
    ["foo(serialNumber)", /unknown function/],
    ["subUnits eq 'x'", /any|all/],
    ['', /empty/],
  ];
  test.each(unsupported)('400 with a message for %j', async (filter, message) => {
    const res = await query({ $filter: filter });
    expect(res.status).toBe(400);
    expect(res.body.Message).toMatch(message);
  });

  test('400 for unsupported query options such as $count and $search', async () => {
    for (const option of ['$count', '$search', '$apply', '$Filter']) {
      const res = await query({ [option]: 'true' });
      expect(res.status, option).toBe(400);
      expect(res.body.Message).toContain(option);
    }
  });
});

describe('defaults with many reports', () => {
  test('returns the 10 most recent by default', async () => {
    const many = await startTestSim();
    try {
      for (let i = 0; i < 12; i++) {
        const day = String(i + 1).padStart(2, '0');
        await postReport(many, makeUut({ sn: `BULK-${day}`, start: `2024-03-${day}T12:00:00Z` }));
      }
      const res = await getJson(many, '/api/Report/Query/Header');
      expect(res.body).toHaveLength(10);
      expect(res.body[0].serialNumber).toBe('BULK-12');
      expect(res.body[9].serialNumber).toBe('BULK-03');
      expectNoViolations(many);
    } finally {
      await many.close();
    }
  });
});
