import { describe, expect, it } from 'vitest';
import { convert, ConversionError, detect, type ConvertCallOptions } from '@tswats/converters';
import type { WsjfReport } from '@tswats/sdk';
import { FIXTURE_OPTIONS } from './helpers.js';

const WSXF = 'http://wats.virinco.com/schemas/WATS/Report/wsxf';
const WRML = 'http://wats.virinco.com/schemas/WATS/Report';

type Json = Record<string, any>;

function doc(body: string, ns = WSXF): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<Reports xmlns="${ns}">\n${body}\n</Reports>\n`;
}

function uut(attrs: string, steps = '', extra = ''): string {
  return `<Report type="UUT" ${attrs}>
  <UUT UserLoginName="op1" ExecutionTime="12.5"/>
  <Process Code="10" Name="SW Debug"/>${extra}
  <Step Id="1" Group="Main" Name="MainSequence Callback" StepType="SequenceCall" Status="Passed">
    <SequenceCall Name="Main" Version="1.0.0"/>${steps}
  </Step>
</Report>`;
}

const HEAD = 'Start="2025-03-01T10:00:00+01:00" Result="Passed" SN="SN1" PN="PCBA-100" Rev="A" MachineName="FCT-01" Location="Line 1" Purpose="Production"';

function nlt(id: number, limit: string, status = 'Passed'): string {
  return `<Step Id="${id}" Group="Main" Name="S${id}" StepType="ET_NLT" Status="${status}"><NumericLimit NumericValue="5" ${limit} Units="V" Status="${status}"/></Step>`;
}

async function run(text: string, options: ConvertCallOptions = {}, name = 'in.xml') {
  return convert({ bytes: Buffer.from(text, 'utf8'), name }, { ...FIXTURE_OPTIONS, format: 'wsxf', ...options });
}

async function failure(text: string | Uint8Array, options: ConvertCallOptions = {}): Promise<ConversionError> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const err = await convert({ bytes, name: 'bad.xml' }, { ...FIXTURE_OPTIONS, format: 'wsxf', ...options }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
}

function step(report: WsjfReport, id: number): Json {
  let found: Json | undefined;
  const walk = (s: Json) => {
    if (s.id === id) found = s;
    for (const c of s.steps ?? []) walk(c);
  };
  walk((report as Json).root);
  if (!found) throw new Error(`no step ${id}`);
  return found;
}

describe('wsxf detection', () => {
  it('claims the WSXF namespace (0.98) and the WRML namespace (0.95), with a preview', async () => {
    const text = doc(uut(HEAD));
    const a = await detect({ bytes: Buffer.from(text), name: 'a.xml' });
    expect(a).toMatchObject({ format: 'wsxf', confidence: 0.98, preview: { serialNumber: 'SN1', partNumber: 'PCBA-100', result: 'Passed', units: 1 } });
    const b = await detect({ bytes: Buffer.from(doc(uut(HEAD), WRML)), name: 'b.xml' });
    expect(b).toMatchObject({ format: 'wsxf', confidence: 0.95 });
    // A root Report (no Reports wrapper) in the namespace is a WSXF document too.
    const c = await detect({ bytes: Buffer.from(`<Report xmlns="${WSXF}" type="UUT" SN="X"/>`), name: 'c.xml' });
    expect(c.format).toBe('wsxf');
  });

  it('gives 0 to Reports without a WATS namespace (TestStand XML), other namespaces and non-XML', async () => {
    const candidates = async (text: string, name = 'x.xml') => (await detect({ bytes: Buffer.from(text), name })).candidates.map((c) => c.format);
    expect(await candidates(`<Reports><Report Type='UUT' Title='x'></Report></Reports>`)).not.toContain('wsxf');
    expect(await candidates(`<Reports xmlns="http://example.com/other"><Report type="UUT"/></Reports>`)).not.toContain('wsxf');
    expect(await candidates(`<Something xmlns="${WSXF}"/>`)).not.toContain('wsxf');
    expect(await candidates('SerialNumber\tSN1\n', 'x.wsxf')).not.toContain('wsxf');
  });
});

describe('wsxf: every Report becomes its own report', () => {
  it('converts a document with three reports (UUT, UUR, UUT) in file order, ids kept', async () => {
    const text = doc([
      uut(`ID="11111111-1111-4111-8111-111111111111" ${HEAD}`, nlt(2, 'LowLimit="4" HighLimit="6" CompOperator="GELE"')),
      `<Report type="UUR" ID="22222222-2222-4222-8222-222222222222" ${HEAD}>
        <UUR UserLoginName="rep" ConfirmDate="2025-03-01T11:00:00+01:00" FinalizeDate="2025-03-01T11:05:00+01:00" ReferencedUUT="11111111-1111-4111-8111-111111111111">
          <Process Code="10"/>
        </UUR>
        <Process Code="500" Name="Repair"/>
        <ReportUnitHierarchy PN="PCBA-100" SN="SN1" Rev="A" Idx="0"/>
        <Failures Idx="0" PartIdx="0" Category="Component" Code="Defective" CompRef="C1" StepID="2"/>
      </Report>`,
      uut(`ID="33333333-3333-4333-8333-333333333333" ${HEAD.replace('SN="SN1"', 'SN="SN2"')}`),
    ].join('\n'));
    const { reports } = await run(text);
    expect(reports.map((r) => [r.type, r.id, r.sn])).toEqual([
      ['T', '11111111-1111-4111-8111-111111111111', 'SN1'],
      ['R', '22222222-2222-4222-8222-222222222222', 'SN1'],
      ['T', '33333333-3333-4333-8333-333333333333', 'SN2'],
    ]);
    const uur = reports[1] as Json;
    expect(uur).toMatchObject({ processCode: 500, processName: 'Repair', uur: { processCode: 10, refUUT: '11111111-1111-4111-8111-111111111111', user: 'rep' } });
    expect(uur.subUnits[0].failures).toEqual([{ category: 'Component', code: 'Defective', comRef: 'C1', refStepId: 2 }]);
  });

  it('reads the nested WSXF layout in the WRML namespace exactly as in the WSXF namespace', async () => {
    const body = uut(HEAD, nlt(2, 'HighLimit="6" CompOperator="LE"'));
    const a = await run(doc(body, WSXF));
    const b = await run(doc(body, WRML));
    expect(b.reports).toEqual(a.reports);
  });

  it('reads the flat WRML layout (StepID/ParentStepID, data beside the steps)', async () => {
    const flat = doc(`<Report type="UUT" ${HEAD}>
      <UUT UserLoginName="op1"/><Process Code="10"/>
      <Step StepID="0" Group="Main" Name="MainSequence Callback" StepType="SequenceCall" Status="Passed"/>
      <SequenceCall StepID="0" Name="Main" Version="1.0.0"/>
      <Step StepID="1" ParentStepID="0" Group="Main" Name="S1" StepType="ET_NLT" Status="Passed"/>
      <NumericLimit StepID="1" NumericValue="5" HighLimit="6" Units="V" CompOperator="LE" Status="Passed"/>
    </Report>`, WRML);
    const { reports } = await run(flat);
    expect((reports[0] as Json).root).toMatchObject({ id: 0, seqCall: { name: 'Main' }, steps: [{ id: 1, name: 'S1', numericMeas: [{ value: 5, lowLimit: 6, compOp: 'LE' }] }] });
  });

  it('reads a document whose root is a single <Report>', async () => {
    const text = uut(HEAD).replace('<Report type="UUT"', `<Report xmlns="${WSXF}" type="UUT"`);
    const { reports } = await run(text);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ sn: 'SN1', pn: 'PCBA-100', uut: { user: 'op1', execTime: 12.5 } });
  });

  it('streams: 500 reports in one document all arrive, in order', async () => {
    const many = Array.from({ length: 500 }, (_, i) => uut(HEAD.replace('SN="SN1"', `SN="SN${i}"`))).join('\n');
    const { reports } = await run(doc(many));
    expect(reports).toHaveLength(500);
    expect(reports.map((r) => r.sn)).toEqual(Array.from({ length: 500 }, (_, i) => `SN${i}`));
    // No ID in the file: the registry derives distinct, reproducible ids.
    expect(new Set(reports.map((r) => r.id)).size).toBe(500);
  });
});

describe('wsxf numeric limits', () => {
  it('moves the LE/LT bound from HighLimit to lowLimit (WSJF compares single-limit operators against lowLimit)', async () => {
    const { reports, warnings } = await run(doc(uut(HEAD, [
      nlt(2, 'HighLimit="6" CompOperator="LE"'),
      nlt(3, 'HighLimit="4" CompOperator="LT"', 'Failed'),
      nlt(4, 'LowLimit="4" CompOperator="GE"'),
      nlt(5, 'LowLimit="4" HighLimit="6" CompOperator="GELE"'),
    ].join(''))));
    const r = reports[0]!;
    expect(step(r, 2).numericMeas).toEqual([{ value: 5, unit: 'V', compOp: 'LE', lowLimit: 6, status: 'P' }]);
    expect(step(r, 3).numericMeas).toEqual([{ value: 5, unit: 'V', compOp: 'LT', lowLimit: 4, status: 'F' }]);
    expect(step(r, 4).numericMeas).toEqual([{ value: 5, unit: 'V', compOp: 'GE', lowLimit: 4, status: 'P' }]);
    expect(step(r, 5).numericMeas).toEqual([{ value: 5, unit: 'V', compOp: 'GELE', lowLimit: 4, highLimit: 6, status: 'P' }]);
    expect(warnings).toEqual([]);
  });

  it('warns when a single-limit operator carries two different limits or its limit in the other field', async () => {
    const { reports, warnings } = await run(doc(uut(HEAD, [
      nlt(2, 'LowLimit="1" HighLimit="6" CompOperator="LE"'),
      nlt(3, 'HighLimit="4" CompOperator="GT"'),
    ].join(''))));
    expect(step(reports[0]!, 2).numericMeas[0]).toMatchObject({ lowLimit: 6 });
    expect(step(reports[0]!, 2).numericMeas[0].highLimit).toBeUndefined();
    expect(step(reports[0]!, 3).numericMeas[0]).toMatchObject({ lowLimit: 4 });
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/LE has LowLimit 1 and HighLimit 6: the bound 6 \(HighLimit\) is kept/),
      expect.stringMatching(/GT has its limit in HighLimit: kept as lowLimit/),
    ]);
  });

  it('keeps the operator as written (Log), keeps NaN/INF, and computes a missing status with a warning', async () => {
    const { reports, warnings } = await run(doc(uut(HEAD, [
      '<Step Id="2" Name="a" StepType="ET_NLT" Status="Passed"><NumericLimit NumericValue="NaN" CompOperator="Log" Status="Passed"/></Step>',
      '<Step Id="3" Name="b" StepType="ET_NLT" Status="Failed"><NumericLimit NumericValue="7" LowLimit="1" HighLimit="INF" CompOperator="GELE"/></Step>',
    ].join(''))));
    expect(step(reports[0]!, 2).numericMeas[0]).toEqual({ value: 'NaN', compOp: 'Log', status: 'P' });
    expect(step(reports[0]!, 3).numericMeas[0]).toEqual({ value: 7, compOp: 'GELE', lowLimit: 1, highLimit: 'Infinity', status: 'P' });
    expect(warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/Status missing: Passed, computed from the limits/));
  });

  it('keeps statuses as written even where the limits disagree', async () => {
    const { reports } = await run(doc(uut(HEAD, nlt(2, 'LowLimit="6" CompOperator="EQ"'))));
    expect(step(reports[0]!, 2)).toMatchObject({ status: 'P', numericMeas: [{ value: 5, lowLimit: 6, status: 'P' }] });
  });
});

describe('wsxf options', () => {
  it('reads a Start without offset in the time zone, and with Start_utc takes the real offset', async () => {
    const noOffset = HEAD.replace('2025-03-01T10:00:00+01:00', '2025-07-01T10:00:00');
    const oslo = await run(doc(uut(noOffset)), { timeZone: 'Europe/Oslo' });
    expect(oslo.reports[0]!.start).toBe('2025-07-01T10:00:00+02:00');
    const ny = await run(doc(uut(noOffset)), { timeZone: 'America/New_York' });
    expect(ny.reports[0]!.start).toBe('2025-07-01T10:00:00-04:00');
    const withUtc = await run(doc(uut(`${noOffset} Start_utc="2025-07-01T04:30:00Z"`)), { timeZone: 'Europe/Oslo' });
    expect(withUtc.reports[0]).toMatchObject({ start: '2025-07-01T10:00:00+05:30', startUTC: '2025-07-01T04:30:00Z' });
    const utcOnly = await run(doc(uut(HEAD.replace('Start="2025-03-01T10:00:00+01:00"', 'Start_utc="2025-03-01T09:00:00Z"'))), { timeZone: 'Europe/Oslo' });
    expect(utcOnly.reports[0]!.start).toBe('2025-03-01T10:00:00+01:00');
    const offsetAttr = await run(doc(uut(HEAD.replace('Start="2025-03-01T10:00:00+01:00"', 'Start_utc="2025-03-01T09:00:00Z" Start_offset="-05:00"'))));
    expect(offsetAttr.reports[0]!.start).toBe('2025-03-01T04:00:00-05:00');
  });

  it('keeps timestamps as written with formats.wsxf.keepTimestamps (what the simulator stores)', async () => {
    const noOffset = HEAD.replace('2025-03-01T10:00:00+01:00', '2025-07-01T10:00:00');
    // Strict validation would refuse a start without offset: the simulator validates with its own rules.
    const { reports } = await run(doc(uut(noOffset)), { formats: { wsxf: { keepTimestamps: true } }, validate: false });
    expect(reports[0]!.start).toBe('2025-07-01T10:00:00');
  });

  it('fills the process code: by name from formats.wsxf.processCodes, else the processCode option, else 10', async () => {
    const noCode = doc(uut(HEAD).replace('<Process Code="10" Name="SW Debug"/>', '<Process Name="Final Test"/>'));
    expect((await run(noCode)).reports[0]).toMatchObject({ processCode: 10, processName: 'Final Test' });
    expect((await run(noCode, { processCode: 30 })).reports[0]!.processCode).toBe(30);
    const byName = await run(noCode, { formats: { wsxf: { processCodes: { 'final test': 40 } } } });
    expect(byName.reports[0]!.processCode).toBe(40);
    expect(byName.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/40 for the process named 'Final Test'/));
  });

  it('fills a missing part number, revision, station, location, purpose and operator from the options, with warnings', async () => {
    const bare = doc(`<Report type="UUT" Start="2025-03-01T10:00:00+01:00" Result="Passed" SN="SN9"><UUT/><Process Code="10"/></Report>`);
    const { reports, warnings } = await run(bare, { partNumber: 'PN-OPT', partRevision: 'R7', operator: 'kari' });
    expect(reports[0]).toMatchObject({ pn: 'PN-OPT', rev: 'R7', machineName: 'TEST-STATION', location: 'Test lab', purpose: 'Production', uut: { user: 'kari' } });
    expect(warnings.map((w) => w.message)).toEqual(expect.arrayContaining([
      'PN missing: part number "PN-OPT" from the options',
      'Rev missing: revision "R7" from the options',
      'MachineName missing: station "TEST-STATION" from the options',
      'UserLoginName missing: operator "kari" from the options',
      'the report has no steps: an empty root sequence was added',
    ]));
  });
});

describe('wsxf: what is kept, dropped and warned about', () => {
  it('warns once about attributes and elements with no WSJF field, and keeps the rest', async () => {
    const text = doc(uut(HEAD, '<Step Id="2" Name="a" StepType="Action" Status="Done" Foo="1" module_time="0.5"/><Step Id="3" Name="b" StepType="Action" Status="Done" Foo="2"/>', '<AdditionalData Name="x"><Any/></AdditionalData>'));
    const { warnings } = await run(text);
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/element AdditionalData has no defined WSJF mapping/),
      expect.stringMatching(/attribute Foo of Step has no WSJF field; dropped \(first at Report\[0\]\/Step\[Id=2\]\)/),
      expect.stringMatching(/attribute module_time of Step has no WSJF field/),
    ]);
  });

  it('keeps loops, message popups, call-exe, step error codes, report text and the first step that caused the failure', async () => {
    const steps = [
      '<Step Id="2" Name="p" StepType="MessagePopup" Status="Passed"><MessagePopup Button="1" Response="ok"/></Step>',
      '<Step Id="3" Name="e" StepType="CallExecutable" Status="Failed" StepErrorCode="-3" StepErrorMessage="boom" StepCausedUUTFailure="1"><ReportText>see log</ReportText><Callexe ExitCode="2"/><Loop index="1" num="3" ending_index="2" passed="1" failed="1"/></Step>',
    ].join('');
    const r = (await run(doc(uut(HEAD.replace('Result="Passed"', 'Result="Failed"'), steps)))).reports[0]!;
    expect(step(r, 2)).toMatchObject({ messagePopup: { response: 'ok', button: 1 } });
    expect(step(r, 3)).toMatchObject({ status: 'F', errorCode: -3, errorMessage: 'boom', reportText: 'see log', callExe: { exitCode: 2 }, loop: { idx: 1, num: 3, endingIndex: 2, passed: 1, failed: 1 }, causedUUTFailure: true });
    expect((r as Json).uut.stepIdCausedUUTFailure).toBe(3);
  });

  it('shortens an over-long step name with a warning instead of failing', async () => {
    const long = 'x'.repeat(150);
    const { reports, warnings } = await run(doc(uut(HEAD, `<Step Id="2" Name="${long}" StepType="Action" Status="Done"/>`)));
    expect(step(reports[0]!, 2).name).toHaveLength(100);
    expect(warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/root\.steps\[0\]\.name: truncated from 150 to 100/));
  });

  it('reads an ISO-8859-1 document as declared', async () => {
    const text = `<?xml version="1.0" encoding="ISO-8859-1"?><Reports xmlns="${WSXF}">${uut(HEAD.replace('MachineName="FCT-01"', 'MachineName="Prøve"'))}</Reports>`;
    const { reports } = await convert({ bytes: Buffer.from(text, 'latin1'), name: 'l1.xml' }, { ...FIXTURE_OPTIONS });
    expect(reports[0]!.machineName).toBe('Prøve');
  });
});

describe('wsxf: malformed input is refused naming the position', () => {
  const good = doc(uut(HEAD, nlt(2, 'LowLimit="4" HighLimit="6" CompOperator="GELE"')));
  const cases: Array<[string, string | Uint8Array, string, RegExp, { line?: number; element?: string }?]> = [
    ['not well-formed', good.replace('</Step>\n  </Step>', '</Step>\n  </Stop>'), 'CONVERT_ERR_SYNTAX', /not well-formed XML/, { line: 8 }],
    ['truncated', good.slice(0, good.length - 30), 'CONVERT_ERR_TRUNCATED', /ends inside <Step> \(line 6\).*truncated/],
    ['an entity DOCTYPE', `<!DOCTYPE r [<!ENTITY x "y">]>${good}`, 'CONVERT_ERR_UNSAFE_XML', /DOCTYPE/],
    ['another namespace', good.replace(WSXF, 'http://example.com/x'), 'CONVERT_ERR_FORMAT', /not in the WSXF namespace/],
    ['another root', `<Report2 xmlns="${WSXF}"/>`, 'CONVERT_ERR_FORMAT', /expected <Reports> or <Report>/],
    ['no Report', `<Reports xmlns="${WSXF}"></Reports>`, 'CONVERT_ERR_EMPTY', /no Report element/],
    ['a value that is not a number', good.replace('NumericValue="5"', 'NumericValue="five"'), 'CONVERT_ERR_VALUE', /NumericValue 'five' is not a number/, { line: 7, element: 'Report[0]/Step[Id=2]/NumericLimit[0]' }],
    ['an unknown status', good.replace('Status="Passed"/>', 'Status="Fine"/>'), 'CONVERT_ERR_VALUE', /Status 'Fine' is not one of Passed, Failed/, { element: 'Report[0]/Step[Id=2]/NumericLimit[0]' }],
    ['an unknown operator', good.replace('CompOperator="GELE"', 'CompOperator="BETWEEN"'), 'CONVERT_ERR_VALUE', /CompOperator 'BETWEEN' is not a comparison operator/],
    ['a string operator on a number', good.replace('CompOperator="GELE"', 'CompOperator="IGNORECASE"'), 'CONVERT_ERR_VALUE', /IGNORECASE is not valid on a numeric measurement/],
    ['a range without its high limit', good.replace(' HighLimit="6"', ''), 'CONVERT_ERR_MISSING_FIELD', /GELE needs both LowLimit and HighLimit/],
    ['no SN', good.replace(' SN="SN1"', ''), 'CONVERT_ERR_MISSING_FIELD', /SN is required/, { element: 'Report[0]' }],
    ['no Start', good.replace(' Start="2025-03-01T10:00:00+01:00"', ''), 'CONVERT_ERR_MISSING_FIELD', /Start or Start_utc is required/],
    ['a bad Start', good.replace('2025-03-01T10:00:00+01:00', 'yesterday'), 'CONVERT_ERR_VALUE', /Start 'yesterday' is not a date and time/],
    ['a bad type', good.replace('type="UUT"', 'type="Test"'), 'CONVERT_ERR_VALUE', /type 'Test' is not UUT or UUR/],
    ['a bad ID', good.replace('<Report type="UUT"', '<Report type="UUT" ID="not-a-guid"'), 'CONVERT_ERR_VALUE', /ID 'not-a-guid' is not a GUID/],
    ['a Skipped result', good.replace('Result="Passed"', 'Result="Skipped"'), 'CONVERT_ERR_VALUE', /Result 'Skipped'/],
    ['a step id used twice', good.replace('Step Id="2"', 'Step Id="1"'), 'CONVERT_ERR_VALUE', /step Id 1 is used twice/],
    ['two root steps', good.replace('</Report>', '<Step Id="9" Name="x" StepType="SequenceCall" Status="Passed"/></Report>'), 'CONVERT_ERR_FORMAT', /2 root steps/],
    ['a root that is no sequence', doc(`<Report type="UUT" ${HEAD}><Process Code="10"/><Step Id="1" Name="x" StepType="Action" Status="Done"/></Report>`), 'CONVERT_ERR_FORMAT', /root step must be a SequenceCall/],
    ['two reports with one ID', doc([uut(`ID="11111111-1111-4111-8111-111111111111" ${HEAD}`), uut(`ID="11111111-1111-4111-8111-111111111111" ${HEAD}`)].join('')), 'CONVERT_ERR_VALUE', /also the ID of Report\[0\]/, { element: 'Report[1]' }],
    ['an attachment that is not base64', doc(uut(HEAD, '<Step Id="2" Name="a" StepType="WATS_AttachFile" Status="Done"><Attachment Name="a.txt" ContentType="text/plain">!!!</Attachment></Step>')), 'CONVERT_ERR_VALUE', /not base64/],
    ['a failure on an unknown part', doc(`<Report type="UUR" ${HEAD}><UUR ConfirmDate="2025-03-01T10:00:00Z" FinalizeDate="2025-03-01T10:00:00Z"><Process Code="10"/></UUR><Process Code="500"/><Failures PartIdx="4" Category="a" Code="b"/></Report>`), 'CONVERT_ERR_VALUE', /PartIdx 4 names no ReportUnitHierarchy Idx/, { element: 'Report[0]/Failures[0]' }],
    ['binary data for an unknown failure', doc(`<Report type="UUR" ${HEAD}><UUR><Process Code="10"/></UUR><Process Code="500"/><Binary FailIdx="3"><Data FileName="a" ContentType="text/plain">QQ==</Data></Binary></Report>`), 'CONVERT_ERR_VALUE', /FailIdx 3 names no Failures Idx/],
    ['a flat step whose parent is unknown', doc(`<Report type="UUT" ${HEAD}><Process Code="10"/><Step StepID="0" Name="r" StepType="SequenceCall" Status="Passed"/><Step StepID="1" ParentStepID="7" Name="x" StepType="Action" Status="Done"/></Report>`, WRML), 'CONVERT_ERR_FORMAT', /ParentStepID 7 names no earlier Step/],
    ['flat data for an unknown step', doc(`<Report type="UUT" ${HEAD}><Process Code="10"/><Step StepID="0" Name="r" StepType="SequenceCall" Status="Passed"/><NumericLimit StepID="5" NumericValue="1"/></Report>`, WRML), 'CONVERT_ERR_FORMAT', /StepID 5 names no earlier Step/],
    ['bytes that are not UTF-8', Buffer.concat([Buffer.from(good.slice(0, 60)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(good.slice(60))]), 'CONVERT_ERR_ENCODING', /not valid utf-8/],
  ];
  it.each(cases)('%s', async (_label, input, code, reason, position) => {
    const err = await failure(input);
    expect(err.code).toBe(code);
    expect(err.format).toBe('wsxf');
    expect(err.reason).toMatch(reason);
    if (position) expect(err.position).toMatchObject(position);
  });
});
