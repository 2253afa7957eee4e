import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { listSpecOperations, resolveOperation, validateAgainstSpec, type SimHandle } from '@tswats/sim';
import { bindRoutes } from '../src/routes/index.js';
import { getRegistry } from '../src/openapi/registry.js';
import { bindParameters } from '../src/openapi/params.js';
import { ContractRecorder } from '../src/openapi/contract.js';
import { expectNoViolations, getJson, makeUut, postReport, startTestSim } from './helpers.js';

let sim: SimHandle;
beforeAll(async () => {
  sim = await startTestSim();
});
afterEach(() => expectNoViolations(sim));
afterAll(() => sim.close());

describe('validateAgainstSpec', () => {
  test('accepts a correct InsertReportResult and catches wrong ones', () => {
    const schema = { schema: 'Virinco.WATS.Models.Store.InsertReportResult' };
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(validateAgainstSpec(schema, { ID: id, uuid: id, Report_ID: 1 })).toEqual([]);
    expect(validateAgainstSpec(schema, { ID: 'nope', uuid: id, Report_ID: 1.5 })).toEqual([
      '/ID must match format "uuid"',
      '/Report_ID must be integer',
      '/Report_ID must match format "int32"',
    ]);
  });

  test('checks response bodies by operationId or by "METHOD /path"', () => {
    expect(validateAgainstSpec({ operation: 'App_Version' }, '2025.3.9.824')).toEqual([]);
    expect(validateAgainstSpec({ operation: 'GET /api/App/Version' }, { version: 1 })).toEqual(['(root) must be string']);
    const badHeaders = [{ uuid: 'x', start: 'yesterday', timeStamp: '7', subUnits: [{ serialNumber: 5 }] }];
    expect(validateAgainstSpec({ operation: 'Report_HeaderQuery', status: 200 }, badHeaders)).toEqual([
      '/0/uuid must match format "uuid"',
      '/0/start must match format "date-time"',
      '/0/timeStamp must be integer',
      '/0/subUnits/0/serialNumber must be string',
    ]);
  });

  test('throws for unknown targets and ambiguous operationIds', () => {
    expect(() => validateAgainstSpec({ schema: 'Nope' }, {})).toThrow(/no component schema/);
    expect(() => validateAgainstSpec({ operation: 'Nope_Nope' }, {})).toThrow(/no operation/);
    expect(() => resolveOperation('App_HighVolume')).toThrow(/ambiguous/);
    expect(resolveOperation('POST /api/App/HighVolume').operationId).toBe('App_HighVolume');
  });
});

describe('the operation registry', () => {
  test('knows all 126 operations of the spec, OData ones included', () => {
    const all = listSpecOperations();
    const ops = all.filter((o) => o.source === 'public');
    expect(ops).toHaveLength(126);
    expect(new Set(ops.map((o) => o.key)).size).toBe(126);
    // Operations beyond the public document say where they come from.
    expect([...new Set(all.filter((o) => o.source !== 'public').map((o) => o.source))].sort()).toEqual(['internal', 'wats-25.3']);
    expect(ops.filter((o) => o.odata).map((o) => o.key).sort()).toEqual([
      'GET /api/Asset',
      'GET /api/Asset/Log',
      'GET /api/Asset/Types',
      'GET /api/Product/Query',
      'GET /api/Report/Query/Header',
    ]);
  });

  test('prefers literal segments over parameters and ignores case', () => {
    const registry = getRegistry();
    const log = registry.match('GET', '/api/asset/log');
    expect(log.kind === 'operation' && log.operation.operationId).toBe('Asset_GetAssetLog');
    const wsjf = registry.match('GET', '/API/REPORT/WSJF/abc');
    expect(wsjf).toMatchObject({ kind: 'operation', params: { id: 'abc' } });
    expect(registry.match('PUT', '/api/App/Version')).toEqual({ kind: 'method-not-allowed', allow: ['GET'] });
  });

  test('refuses a route that names an operation the spec does not have', () => {
    const handle = () => ({ body: null });
    expect(() => bindRoutes(getRegistry(), [{ method: 'GET', operationId: 'Report_Invented', handle }])).toThrow(
      expect.objectContaining({ code: 'SIM_ERR_UNKNOWN_OPERATION' }),
    );
    expect(() => bindRoutes(getRegistry(), [{ method: 'POST', operationId: 'App_Version', handle }])).toThrow(/0 spec operations/);
    expect(() => bindRoutes(getRegistry(), [{ method: 'GET', operationId: 'Auth_GetToken', handle }])).toThrow(/2 spec operations/);
    expect(bindRoutes(getRegistry(), [{ method: 'GET', operationId: 'Auth_GetToken', path: '/api/Auth/GetToken', handle }]).size).toBe(1);
  });
});

describe('contract checking in a running simulator', () => {
  test('a deliberately wrong response body is recorded as a violation', () => {
    const recorder = new ContractRecorder(true);
    const op = resolveOperation('Report_PostWSJF');
    recorder.checkResponse(op, 200, { ID: 42, uuid: 'not-a-guid', Report_ID: 'one' });
    expect(recorder.violations()).toEqual([
      { operationId: 'Report_PostWSJF', operation: 'POST /api/Report/WSJF', direction: 'response', status: 200, message: '/ID must be string' },
      { operationId: 'Report_PostWSJF', operation: 'POST /api/Report/WSJF', direction: 'response', status: 200, message: '/uuid must match format "uuid"' },
      { operationId: 'Report_PostWSJF', operation: 'POST /api/Report/WSJF', direction: 'response', status: 200, message: '/Report_ID must be integer' },
    ]);
    // Statuses the spec does not document (errors) are not checked; a disabled recorder records nothing.
    recorder.clear();
    recorder.checkResponse(op, 400, { Message: 'x' });
    new ContractRecorder(false).checkResponse(op, 200, null);
    expect(recorder.violations()).toEqual([]);
  });

  test('records query parameters the spec does not have (pyWATS sends reportType)', async () => {
    const res = await getJson(sim, '/api/Report/Query/Header', { reportType: 'U' });
    expect(res.status).toBe(200);
    expect(sim.contractViolations()).toEqual([
      {
        operationId: 'Report_HeaderQuery',
        operation: 'GET /api/Report/Query/Header',
        direction: 'request',
        message: "unknown query parameter 'reportType'",
      },
    ]);
    sim.clearContractViolations();
  });

  test('records parameters with the wrong case or type, and rejects bad types with 400', async () => {
    const report = makeUut();
    await postReport(sim, report);
    const wrongCase = await getJson(sim, `/api/Report/Wsjf/${String(report.id)}`, { DetailLevel: '0' });
    expect(wrongCase.status).toBe(200);
    expect(wrongCase.body.root).toBeUndefined();
    const wrongType = await getJson(sim, `/api/Report/Wsjf/${String(report.id)}`, { includeChartdata: 'yes' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.Message).toBe('includeChartdata: must be true or false');
    expect(sim.contractViolations().map((v) => v.message)).toEqual([
      "query parameter 'DetailLevel' should be spelled 'detailLevel'",
      "parameter 'includeChartdata' must be true or false",
    ]);
    sim.clearContractViolations();
  });

  test('OData options are not violations on OData operations, but are elsewhere', async () => {
    expect((await getJson(sim, '/api/Report/Query/Header', { $top: '1' })).status).toBe(200);
    expectNoViolations(sim);
    await getJson(sim, '/api/App/Version', { $top: '1' });
    expect(sim.contractViolations().map((v) => v.message)).toEqual(["unknown query parameter '$top'"]);
    sim.clearContractViolations();
  });

  test('a missing required parameter is a 400 naming it (checked for every operation)', () => {
    const op = resolveOperation('Report_GetAttachment');
    const bound = bindParameters(op, {}, { stepId: '1', attachmentId: 'x' });
    expect(bound.error).toMatchObject({ status: 400, message: 'reportId: required' });
    expect(bound.violations).toEqual(["parameter 'reportId' required", "parameter 'attachmentId' not a GUID"]);
    expect(bound.params.query).toEqual({ stepId: 1 });
  });
});
