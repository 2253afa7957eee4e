/**
 * One ATML `TestResults` element tree → one WSJF UUT report, built with the SDK builder.
 * Statuses come from the file's outcomes; the builder computes only what the file leaves out.
 */
import {
  createUutReport, FIELD_LIMITS, PROBLEMATIC_SN_PN_CHARS,
  type AdditionalData, type AdditionalDataProp, type NamedNumericInput, type NamedStringInput, type ReportResult,
  type SequenceBuilder, type SequenceOptions, type StepOptions, type StepStatus, type WsjfReport,
} from '@tswats/sdk';
import { ConversionError, type ConversionErrorCode } from '../errors.js';
import type { InputFile } from '../input.js';
import { parseLocalInstant, parseLocalTimestamp } from '../time.js';
import type { ConvertContext } from '../types.js';
import { datumRaw, datumType, datumUnit, limitProperties, numericLimits, parseAtmlNumber, stringLimit } from './limits.js';
import { child, childrenNamed, nodePath, path, textOf, type XNode } from './nodes.js';

const FORMAT = 'atml';
/** Process code when neither the file nor the options give one (pyWATS' ATML default). */
export const DEFAULT_PROCESS_CODE = 10;

const STEP_ELEMENTS = new Set(['TestGroup', 'Test', 'SessionAction']);
const NUMERIC_STEP_TYPES = new Set(['NumericLimitTest', 'NI_MultipleNumericLimitTest', 'MultipleNumericLimitTest']);
const STRING_STEP_TYPES = new Set(['StringValueTest', 'NI_MultipleStringValueTest']);
const NUMERIC_DATUM_TYPES = /^(double|float|single|number|integer|int\d*|uint\d*|unsignedinteger|long|short|byte|decimal)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATUS_WORDS: Readonly<Record<string, StepStatus>> = {
  passed: 'P', failed: 'F', done: 'D', skipped: 'S', error: 'E', terminated: 'T', notstarted: 'S',
};

/** What is shared by every unit of one file. */
export interface UnitContext {
  file: InputFile;
  ctx: ConvertContext;
  /** 1-based position of the unit in the file. */
  ordinal: number;
  /** Report ids (TestResults uuids) already used in this file. */
  seenIds: Set<string>;
  /** Warnings given once per file (keys), so a 10 000-unit batch does not repeat them. */
  once: Set<string>;
}

interface StepData {
  reportText: string[];
  /** Data items and unused test results, in file order, as additional-data properties. */
  additional: Array<{ name: string; node: XNode; prop: AdditionalDataProp }>;
  /** Data items by name (MessagePopup ButtonHit/Response, CallExecutable ExitCode). */
  named: Map<string, XNode>;
}

/** Converts one `TestResults` element tree. */
export function unitToReport(unit: XNode, uc: UnitContext): WsjfReport {
  return new UnitMapper(unit, uc).report();
}

class UnitMapper {
  private readonly failureIds = new Set<string>();
  private readonly unit: XNode;
  private readonly uc: UnitContext;

  constructor(unit: XNode, uc: UnitContext) {
    this.unit = unit;
    this.uc = uc;
  }

  private get ctx(): ConvertContext {
    return this.uc.ctx;
  }

  error(code: ConversionErrorCode, node: XNode, reason: string): never {
    throw new ConversionError({ code, file: this.uc.file.name, format: FORMAT, position: { line: node.line, element: nodePath(node) }, reason });
  }

  warn(message: string, node: XNode): void {
    this.ctx.warn(message, { line: node.line, element: nodePath(node) });
  }

  /** Shortens an over-long string with a warning. */
  clip(value: string, max: number, what: string, node: XNode): string {
    if (value.length <= max) return value;
    this.warn(`${what} is ${value.length} characters, shortened to the WSJF maximum of ${max}`, node);
    return value.slice(0, max);
  }

  report(): WsjfReport {
    const unit = this.unit;
    const o = this.ctx.options;
    const rs = child(unit, 'ResultSet');
    if (!rs) this.error('CONVERT_ERR_MISSING_FIELD', unit, 'TestResults has no ResultSet (the test execution)');

    // Identity of the unit.
    const uut = child(unit, 'UUT');
    const snNode = child(uut, 'SerialNumber');
    const sn = textOf(snNode);
    if (!sn) this.error('CONVERT_ERR_MISSING_FIELD', snNode ?? uut ?? unit, 'no UUT serial number (TestResults/UUT/SerialNumber is missing or empty)');
    const idNumbers = childrenNamed(path(uut, 'Definition', 'Identification', 'IdentificationNumbers'), 'IdentificationNumber');
    const pnNode = idNumbers.find((n) => (n.attrs.type ?? '').toLowerCase() === 'part' && n.attrs.number?.trim()) ?? idNumbers.find((n) => n.attrs.number?.trim());
    let pn = pnNode?.attrs.number?.trim();
    if (!pn) {
      pn = o.partNumber;
      if (!pn) this.error('CONVERT_ERR_MISSING_FIELD', uut ?? unit, 'no part number in the file (UUT/Definition/Identification/IdentificationNumbers) and no partNumber option (give one: the part number cannot be guessed)');
      if (!this.uc.once.has('pn')) {
        this.uc.once.add('pn');
        this.warn(`no part number in the file: "${pn}" from the options${this.uc.ordinal === 1 ? '' : ` (from unit ${this.uc.ordinal} on)`}; said once per file`, uut ?? unit);
      }
    }
    const serial = this.identifier(sn!, 'serial number', snNode!);
    const partNumber = this.identifier(pn, 'part number', pnNode ?? uut ?? unit);

    const operatorNode = path(unit, 'Personnel', 'SystemOperator');
    const operator = operatorNode?.attrs.name?.trim() || operatorNode?.attrs.ID?.trim() || o.operator;
    const stationNode = path(unit, 'TestStation', 'SerialNumber');
    const stationName = textOf(stationNode) || o.stationName;

    const tsProps = path(unit, 'Extension', 'TSResultSetProperties');
    const batchNode = child(tsProps, 'BatchSerialNumber');
    const batch = batchNode ? (textOf(batchNode) || batchNode.attrs.value?.trim()) : undefined;
    const socketNode = child(tsProps, 'TestSocketIndex');
    let testSocketIndex: number | undefined;
    if (socketNode) {
      const parsed = parseAtmlNumber(socketNode.attrs.value ?? textOf(socketNode));
      if (parsed.ok && Number.isInteger(parsed.value)) testSocketIndex = parsed.value;
      else this.warn(`test socket index "${socketNode.attrs.value ?? textOf(socketNode)}" is not a whole number: left out`, socketNode);
    }
    for (const e of childrenNamed(child(tsProps, 'CriticalFailureStack'), 'CriticalFailureStackEntry')) {
      if (e.attrs.resultID) this.failureIds.add(e.attrs.resultID.trim());
    }

    // Times.
    const start = this.timestamp(rs!, 'startDateTime', true)!;
    const end = this.timestamp(rs!, 'endDateTime', false);
    let execTime: number | undefined;
    if (end) {
      const seconds = (end.date.getTime() - start.date.getTime()) / 1000;
      if (seconds >= 0) execTime = seconds;
      else this.warn('endDateTime is before startDateTime: execution time left out', rs!);
    }

    // The root sequence: 5.00/6.01 put the main sequence's steps in the ResultSet; 2.02 wraps them
    // in one TestGroup (the MainSequence call) inside a ResultSet without step properties.
    let rootNode = rs!;
    const rsSteps = rs!.children.filter((c) => STEP_ELEMENTS.has(c.name));
    if (!path(rs, 'Extension', 'TSStepProperties') && rsSteps.length === 1 && rsSteps[0]!.name === 'TestGroup') rootNode = rsSteps[0]!;
    const rootStatus = this.outcome(child(rootNode, 'Outcome'));
    const resultStatus = rootNode === rs ? rootStatus : (this.outcome(child(rs, 'Outcome')) ?? rootStatus);
    const result = resultStatus === undefined ? undefined : this.reportResult(resultStatus, child(rs, 'Outcome') ?? rs!);
    if (execTime === undefined) execTime = this.stepTotalTime(rootNode);

    const seqName = this.sequenceParts(rootNode);
    const rootOpts = this.stepOptions(rootNode, rootStatus);
    const rootSequence: SequenceOptions = { ...this.withAdditional(rootOpts.options, rootOpts.data), sequenceName: seqName.sequence, path: seqName.path };

    const uuid = this.reportId();
    const processCode = o.processCode ?? DEFAULT_PROCESS_CODE;
    const builder = createUutReport({
      id: uuid ?? '00000000-0000-0000-0000-000000000000',
      partNumber,
      serialNumber: serial,
      revision: this.clip(o.partRevision, FIELD_LIMITS.rev, 'part revision', unit),
      processCode,
      stationName: this.clip(stationName, FIELD_LIMITS.machineName, 'station name', stationNode ?? unit),
      location: o.location,
      purpose: o.purpose,
      operator: operator === undefined ? undefined : this.clip(operator, FIELD_LIMITS['uut.user'], 'operator', operatorNode ?? unit),
      start: start.date,
      startOffsetMinutes: start.offsetMinutes,
      execTime,
      batchSerialNumber: batch ? this.clip(batch, FIELD_LIMITS['uut.batchSN'], 'batch serial number', batchNode!) : undefined,
      testSocketIndex,
      result,
      rootName: this.clip(this.stepName(rootNode, true), FIELD_LIMITS['step.name'], 'root step name', rootNode),
      rootSequence,
    });
    this.addMiscInfos(builder, uut);
    this.addChildren(builder.root, rootNode);
    const report = builder.build({ consume: true }) as WsjfReport & { id?: string };
    if (!uuid) delete report.id;
    return report;
  }

  /** The unit's own id (`TestResults@uuid`), kept as the report id when it is a usable UUID. */
  private reportId(): string | undefined {
    const raw = this.unit.attrs.uuid?.trim();
    if (!raw) return undefined;
    const id = raw.toLowerCase();
    if (!UUID.test(id) || /^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(id)) {
      this.warn(`TestResults uuid "${raw}" is not a usable UUID: the report gets an id derived from its content`, this.unit);
      return undefined;
    }
    if (this.uc.seenIds.has(id)) {
      this.warn(`TestResults uuid ${id} already used by an earlier unit in this file: this report gets an id derived from its content`, this.unit);
      return undefined;
    }
    this.uc.seenIds.add(id);
    return id;
  }

  /** Serial and part numbers: trimmed to the limit (with a warning); characters WATS refuses are an error. */
  private identifier(value: string, what: string, node: XNode): string {
    const bad = [...value].find((c) => PROBLEMATIC_SN_PN_CHARS.includes(c));
    if (bad) this.error('CONVERT_ERR_VALUE', node, `the ${what} "${value}" contains "${bad}", which WATS does not accept in serial and part numbers (${PROBLEMATIC_SN_PN_CHARS.split('').join(' ')})`);
    return this.clip(value, FIELD_LIMITS.sn, what, node);
  }

  /** Reads a date-time attribute; local times are read in the option time zone, offsets kept. */
  private timestamp(node: XNode, attr: string, required: boolean): { date: Date; offsetMinutes: number } | undefined {
    const raw = node.attrs[attr];
    if (raw === undefined || raw.trim() === '') {
      if (required) this.error('CONVERT_ERR_MISSING_FIELD', node, `no ${attr} (the test start time)`);
      return undefined;
    }
    const iso = parseLocalTimestamp(raw, this.ctx.options.timeZone);
    if (!iso) {
      if (required) this.error('CONVERT_ERR_VALUE', node, `${attr} "${raw}" is not a date and time`);
      this.warn(`${attr} "${raw}" is not a date and time: ignored`, node);
      return undefined;
    }
    const m = /([+-])(\d{2}):(\d{2})$/.exec(iso)!;
    const offsetMinutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    const date = new Date(iso);
    if (Math.abs(offsetMinutes) > 18 * 60 || Number(m[3]) > 59 || Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1000) {
      if (required) this.error('CONVERT_ERR_VALUE', node, `${attr} "${raw}" is not a usable date and time (offset or year out of range)`);
      this.warn(`${attr} "${raw}" is out of range: ignored`, node);
      return undefined;
    }
    return { date, offsetMinutes };
  }

  /** An outcome element (`Outcome`, `ActionOutcome`) → step status; qualifiers refine Aborted/UserDefined. */
  outcome(node: XNode | undefined): StepStatus | undefined {
    if (!node) return undefined;
    const value = (node.attrs.value ?? '').trim();
    const qualifier = (node.attrs.qualifier ?? '').trim();
    const direct = STATUS_WORDS[value.toLowerCase()];
    if (direct) return direct;
    const q = STATUS_WORDS[qualifier.toLowerCase()];
    if (q) return q;
    const v = value.toLowerCase();
    const shown = `outcome "${value}"${qualifier ? ` (qualifier "${qualifier}")` : ''}`;
    if (v === 'aborted' && !qualifier) return 'T';
    if (v === 'running' || qualifier.toLowerCase() === 'running') {
      this.warn(`${shown}: the step was still running when the report was written; recorded as Terminated`, node);
      return 'T';
    }
    if (v === 'aborted') {
      this.warn(`${shown} recorded as Terminated`, node);
      return 'T';
    }
    this.warn(`${shown} has no WATS equivalent: recorded as Done`, node);
    return 'D';
  }

  private reportResult(status: StepStatus, node: XNode): ReportResult {
    if (status !== 'S') return status;
    this.warn('the test outcome is Skipped/NotStarted, which a WATS report result cannot be: recorded as Done', node);
    return 'D';
  }

  /** `path#sequence` of a TestGroup or ResultSet, split at the last `#`. */
  private sequenceParts(node: XNode): { path?: string; sequence?: string } {
    const name = node.attrs.name?.trim();
    if (!name) return {};
    const hash = name.lastIndexOf('#');
    const file = hash >= 0 ? name.slice(0, hash) : name;
    const sequence = hash >= 0 ? name.slice(hash + 1) : undefined;
    return {
      path: file ? this.clip(file, FIELD_LIMITS['seqCall.path'], 'sequence file path', node) : undefined,
      sequence: sequence ? this.clip(sequence, FIELD_LIMITS['seqCall.name'], 'sequence name', node) : undefined,
    };
  }

  /** A step's display name. Sequence calls: the calling step's name when the file has it. */
  private stepName(node: XNode, sequence: boolean): string {
    const a = node.attrs;
    if (sequence && node.name !== 'Test' && node.name !== 'SessionAction') {
      const caller = a.callerName?.trim() || /SequenceCallStepName\s*=\s*'([^']*)'/.exec(a.userDefinedType ?? '')?.[1]?.trim();
      if (caller) return caller;
      const name = a.name?.trim();
      if (name) {
        const hash = name.lastIndexOf('#');
        if (hash >= 0 && hash < name.length - 1) return name.slice(hash + 1);
        const base = name.split(/[\\/]/).pop();
        if (base) return base;
      }
    }
    return a.name?.trim() || a.ID?.trim() || node.name;
  }

  /** `props`: the step's `Extension/TSStepProperties` when the caller has looked it up already. */
  private stepTotalTime(node: XNode, props: XNode | undefined = path(node, 'Extension', 'TSStepProperties')): number | undefined {
    const t = child(props, 'TotalTime');
    if (t) {
      const parsed = parseAtmlNumber(t.attrs.value ?? textOf(t));
      if (parsed.ok && Number.isFinite(parsed.value) && parsed.value >= 0) return parsed.value;
      this.warn(`TotalTime "${t.attrs.value ?? textOf(t)}" is not a duration: left out`, t);
      return undefined;
    }
    const s = node.attrs.startDateTime, e = node.attrs.endDateTime;
    if (!s || !e) return undefined;
    const zone = this.ctx.options.timeZone;
    const si = parseLocalInstant(s, zone), ei = parseLocalInstant(e, zone);
    if (si === undefined || ei === undefined) return undefined;
    const seconds = (ei - si) / 1000;
    return seconds >= 0 ? seconds : undefined;
  }

  /** Options every step gets: status, group, time, report text, failure flags, additional results. */
  private stepOptions(node: XNode, status: StepStatus | undefined, props: XNode | undefined = path(node, 'Extension', 'TSStepProperties')): { options: StepOptions; data: StepData } {
    const groupNode = child(props, 'StepGroup');
    const groupText = textOf(groupNode)?.toLowerCase();
    const group = groupText === 'setup' ? 'S' : groupText === 'cleanup' ? 'C' : 'M';
    if (groupText && group === 'M' && groupText !== 'main') this.warn(`step group "${textOf(groupNode)}" unknown: taken as Main`, groupNode!);
    const data = this.stepData(node);
    const extra: Record<string, unknown> = {};
    const caused = child(props, 'StepCausedSequenceFailure');
    if (caused && (caused.attrs.value ?? textOf(caused) ?? '').toLowerCase() === 'true') extra.causedSeqFailure = true;
    if (node.attrs.ID && this.failureIds.has(node.attrs.ID.trim())) extra.causedUUTFailure = true;
    const options: StepOptions = { group };
    if (status !== undefined) options.status = status;
    const totTime = this.stepTotalTime(node, props);
    if (totTime !== undefined) options.totTime = totTime;
    if (data.reportText.length) options.reportText = data.reportText.join('\n');
    if (Object.keys(extra).length) options.extra = extra;
    return { options, data };
  }

  /** The step's data items not used elsewhere, one additional-results block each. */
  private withAdditional(options: StepOptions, data: StepData, used: readonly string[] = []): StepOptions {
    const left = data.additional.filter((a) => !used.includes(a.name));
    if (!left.length) return options;
    const blocks: AdditionalData[] = left.map((a) => ({ name: this.clip(a.name, FIELD_LIMITS['additionalData.name'], 'additional result name', a.node), props: [a.prop] }));
    return { ...options, additionalResults: blocks };
  }

  /** `tr:Data/c:Collection/c:Item`s of a step: ReportText, named values, the rest as additional results. */
  private stepData(node: XNode): StepData {
    const data: StepData = { reportText: [], additional: [], named: new Map() };
    for (const item of childrenNamed(path(node, 'Data', 'Collection'), 'Item')) {
      const name = item.attrs.name?.trim() || 'Item';
      const datum = child(item, 'Datum');
      if (name === 'ReportText' && datum) {
        const text = datumRaw(datum)?.trim();
        if (text) data.reportText.push(text);
        continue;
      }
      data.named.set(name, item);
      const prop = this.itemProp(name, item);
      if (prop) data.additional.push({ name, node: item, prop });
    }
    return data;
  }

  /** A data item (`c:Datum`, `c:Collection` or `c:IndexedArray` inside) as an additional-data property. */
  private itemProp(name: string, holder: XNode): AdditionalDataProp | undefined {
    const datum = child(holder, 'Datum');
    if (datum) return { name, type: propType(datumType(datum)), value: datumRaw(datum) ?? '' };
    const coll = child(holder, 'Collection');
    if (coll) {
      const props = childrenNamed(coll, 'Item').map((it) => this.itemProp(it.attrs.name?.trim() || 'Item', it)).filter((p): p is AdditionalDataProp => !!p);
      return { name, type: 'Obj', props };
    }
    const arr = child(holder, 'IndexedArray');
    if (arr) {
      const elemType = propType(datumType(arr).replace(/array$/, ''));
      const dims = (arr.attrs.dimensions ?? '[0]').split(',').length;
      const indexes = childrenNamed(arr, 'Element').map((el, i) => {
        const text = el.attrs.position ?? `[${i}]`;
        const idx = text.replace(/[[\]\s]/g, '').split(',').map((x) => Number.parseInt(x, 10)).map((x) => (Number.isFinite(x) ? x : i));
        return { text, indexes: idx, value: { name: text, type: elemType, value: datumRaw(el) ?? '' } };
      });
      return { name, type: 'Array', array: { dimension: dims, type: elemType, indexes } };
    }
    return undefined;
  }

  private addMiscInfos(builder: { addMiscInfo(d: string, t: string): unknown }, uut: XNode | undefined): void {
    const coll = path(uut, 'Definition', 'Extension', 'TSCollection');
    if (!coll) return;
    const walk = (items: XNode[], prefix: string) => {
      for (const item of items) {
        const raw = item.attrs.name?.trim() || 'Item';
        const name = prefix ? `${prefix}.${raw}` : raw;
        const nested = child(item, 'Collection');
        if (nested) {
          walk(childrenNamed(nested, 'Item'), !prefix && raw === 'AdditionalData' ? '' : name);
          continue;
        }
        const datum = child(item, 'Datum');
        if (!datum) continue;
        builder.addMiscInfo(
          this.clip(name, FIELD_LIMITS['miscInfo.description'], 'misc info name', item),
          this.clip(datumRaw(datum) ?? '', FIELD_LIMITS['miscInfo.text'], `misc info "${name}"`, item),
        );
      }
    };
    walk(childrenNamed(coll, 'Item'), '');
  }

  /** Adds the step children of a ResultSet or TestGroup, in file order. */
  private addChildren(seq: SequenceBuilder, container: XNode): void {
    for (const c of container.children) if (STEP_ELEMENTS.has(c.name)) this.addStep(seq, c);
  }

  private addStep(seq: SequenceBuilder, node: XNode): void {
    const props = path(node, 'Extension', 'TSStepProperties');
    const tsType = textOf(child(props, 'StepType')) || undefined;
    const status = this.outcome(child(node, 'Outcome', 'ActionOutcome'));
    const { options, data } = this.stepOptions(node, status, props);
    if (node.name === 'TestGroup' || tsType === 'SequenceCall') {
      const parts = node.name === 'TestGroup' ? this.sequenceParts(node) : {};
      const name = this.clip(this.stepName(node, true), FIELD_LIMITS['step.name'], 'step name', node);
      const sub = seq.addSequence(name, { ...this.withAdditional(options, data), sequenceName: parts.sequence ?? (node.name === 'TestGroup' ? undefined : name), path: parts.path });
      this.addChildren(sub, node);
      return;
    }
    const name = this.clip(this.stepName(node, false), FIELD_LIMITS['step.name'], 'step name', node);
    const numeric: NamedNumericInput[] = [];
    const strings: NamedStringInput[] = [];
    const texts = [...data.reportText];
    const notes: string[] = [];
    let passFail: boolean | undefined;
    for (const r of childrenNamed(node, 'TestResult')) {
      const rName = r.attrs.name?.trim() || r.attrs.ID?.trim() || `Measurement ${numeric.length + strings.length}`;
      const datum = path(r, 'TestData', 'Datum');
      if (rName === 'ReportText') {
        const text = datumRaw(datum)?.trim();
        if (text) texts.push(text);
        continue;
      }
      const kind = datumKind(datum);
      const hasLimits = !!child(r, 'TestLimits') || !!limitProperties(r);
      if (kind === 'number' && (hasLimits || NUMERIC_STEP_TYPES.has(tsType ?? ''))) {
        numeric.push(this.numericMeasurement(r, rName, datum!, notes));
      } else if (kind === 'string' && (hasLimits || STRING_STEP_TYPES.has(tsType ?? ''))) {
        strings.push(this.stringMeasurement(r, rName, datum!));
      } else if (kind === 'boolean' && tsType === 'PassFailTest' && passFail === undefined) {
        passFail = /^(true|1)$/i.test((datumRaw(datum) ?? '').trim()); // the step's own result: its outcome says the same
      } else {
        data.named.set(rName, r);
        const holder = child(r, 'TestData');
        const prop = holder ? this.itemProp(rName, holder) : undefined;
        if (prop) data.additional.push({ name: rName, node: r, prop });
      }
    }
    if (numeric.length && strings.length) {
      this.warn(`step has numeric and string measurements; a WSJF step holds one kind: the ${strings.length} string value(s) are kept as additional results`, node);
      for (const s of strings) data.additional.push({ name: s.name, node, prop: { name: s.name, type: 'String', value: s.value } });
      strings.length = 0;
    }
    texts.push(...notes);
    if (texts.length) options.reportText = texts.join('\n');
    else delete options.reportText;

    if (numeric.length) {
      const opts = this.withAdditional(options, data);
      if (numeric.length === 1 && tsType !== 'NI_MultipleNumericLimitTest') {
        const m = numeric[0]!;
        seq.addNumeric(name, single(m, opts, opts.status === undefined ? m.status : singleStatus(opts.status, m.status)));
      } else {
        seq.addMultiNumeric(name, numeric, opts);
      }
      return;
    }
    if (strings.length) {
      const opts = this.withAdditional(options, data);
      if (strings.length === 1 && tsType !== 'NI_MultipleStringValueTest') {
        const m = strings[0]!;
        seq.addString(name, single(m, opts, opts.status === undefined ? m.status : singleStatus(opts.status, m.status)));
      } else {
        seq.addMultiString(name, strings, opts);
      }
      return;
    }
    if (tsType === 'MessagePopup') {
      const buttonNode = data.named.get('ButtonHit');
      const button = parseAtmlNumber(datumRaw(valueDatum(buttonNode)));
      if (button.ok && Number.isInteger(button.value)) {
        const responseNode = data.named.get('Response');
        const raw = responseNode ? datumRaw(valueDatum(responseNode)) : undefined;
        const response = raw === undefined ? undefined : this.clip(raw, FIELD_LIMITS['messagePopup.response'], 'message popup response', responseNode!);
        seq.addMessagePopup(name, { ...this.withAdditional(options, data, ['ButtonHit', 'Response']), button: button.value, response });
        return;
      }
    }
    if (tsType === 'CallExecutable') {
      const code = parseAtmlNumber(datumRaw(valueDatum(data.named.get('ExitCode'))));
      if (code.ok && Number.isFinite(code.value)) {
        seq.addCallExe(name, { ...this.withAdditional(options, data, ['ExitCode']), exitCode: code.value });
        return;
      }
    }
    const opts = this.withAdditional(options, data);
    if (tsType === 'PassFailTest' || (node.name === 'Test' && !tsType && (status === 'P' || status === 'F'))) {
      if (status === undefined && passFail !== undefined) seq.addPassFail(name, passFail, opts); // no outcome: the recorded result
      else if (status === 'P' || status === 'F') seq.addPassFail(name, status === 'P', opts);
      else seq.addGeneric('ET_PFT', name, opts);
      return;
    }
    if (tsType && NUMERIC_STEP_TYPES.has(tsType)) return void seq.addGeneric(tsType === 'NumericLimitTest' ? 'ET_NLT' : 'ET_MNLT', name, opts);
    if (tsType && STRING_STEP_TYPES.has(tsType)) return void seq.addGeneric(tsType === 'StringValueTest' ? 'ET_SVT' : 'ET_MSVT', name, opts);
    seq.addGeneric(tsType ?? 'Action', name, opts);
  }

  private measurementStatus(r: XNode): StepStatus | undefined {
    const s = this.outcome(child(r, 'Outcome'));
    return s === 'D' ? 'P' : s; // a measurement that is "Done" was recorded, i.e. passed
  }

  private numericMeasurement(r: XNode, name: string, datum: XNode, notes: string[]): NamedNumericInput {
    const raw = datumRaw(datum);
    const value = parseAtmlNumber(raw);
    if (!value.ok) this.error('CONVERT_ERR_VALUE', datum, `measured value "${raw ?? ''}" is not a number`);
    const lim = numericLimits(r);
    if (lim.badValue) this.error('CONVERT_ERR_VALUE', lim.badValue.node, `limit "${lim.badValue.raw ?? ''}" is not a number`);
    if (lim.warning) this.warn(`${name}: ${lim.warning}`, r);
    if (lim.note) notes.push(`${name}: ${lim.note}`);
    const m: NamedNumericInput = { name, value: value.value, compOp: lim.compOp };
    const unit = datumUnit(datum) ?? lim.unit;
    if (unit !== undefined) m.unit = unit;
    if (lim.lowLimit !== undefined) m.lowLimit = lim.lowLimit;
    if (lim.highLimit !== undefined) m.highLimit = lim.highLimit;
    const status = this.measurementStatus(r);
    if (status !== undefined) m.status = status;
    return m;
  }

  private stringMeasurement(r: XNode, name: string, datum: XNode): NamedStringInput {
    const lim = stringLimit(r);
    if (lim.warning) this.warn(`${name}: ${lim.warning}`, r);
    const m: NamedStringInput = { name, value: datumRaw(datum) ?? '', compOp: lim.compOp };
    if (lim.limit !== undefined) m.limit = lim.limit;
    const status = this.measurementStatus(r);
    if (status !== undefined) m.status = status;
    return m;
  }
}

/** The datum of a data item (`Item/Datum`) or of a test result (`TestResult/TestData/Datum`). */
function valueDatum(node: XNode | undefined): XNode | undefined {
  return child(node, 'Datum') ?? path(node, 'TestData', 'Datum');
}

/**
 * The options of a single-measurement step: `{ ...measurement without its name, ...options, status }`,
 * built with plain loops (same keys in the same order; object rest and spread are slow here).
 */
function single<M extends { name: string; status?: StepStatus }>(m: M, opts: StepOptions, status: StepStatus | undefined): Omit<M, 'name'> & StepOptions {
  const out: Record<string, unknown> = {};
  const from = m as unknown as Record<string, unknown>;
  for (const k in from) if (k !== 'name') out[k] = from[k];
  const o = opts as Record<string, unknown>;
  for (const k in o) out[k] = o[k];
  out.status = status;
  return out as Omit<M, 'name'> & StepOptions;
}

/** The status of a single-measurement step: the step's outcome, unless it only says "Done". */
function singleStatus(step: StepStatus, measurement: StepStatus | undefined): StepStatus {
  return step === 'D' && measurement !== undefined ? measurement : step;
}

/** What a measured datum holds. */
function datumKind(datum: XNode | undefined): 'number' | 'string' | 'boolean' | 'other' {
  if (!datum) return 'other';
  const t = datumType(datum);
  if (t === 'string') return 'string';
  if (t === 'boolean') return 'boolean';
  if (NUMERIC_DATUM_TYPES.test(t)) return 'number';
  if (t === '') {
    if (datum.attrs.value !== undefined) return parseAtmlNumber(datum.attrs.value).ok ? 'number' : 'other';
    if (child(datum, 'Value')) return 'string';
  }
  return 'other';
}

/** Additional-data property type for an ATML datum type. */
function propType(t: string): string {
  if (t === 'string') return 'String';
  if (t === 'boolean') return 'Boolean';
  if (NUMERIC_DATUM_TYPES.test(t)) return 'Number';
  return 'String';
}
