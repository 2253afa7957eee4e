/**
 * A VTE run (IndexData + UutData + master data) and its steps → a WATS UUT report.
 *
 * - id = Index_GUID (lower case): re-sending overwrites instead of duplicating.
 * - serial → sn, product name → pn, product version → rev, testplan + revision → root sequence
 *   name/version, process code from config (per testplan, else default), test system (or host)
 *   → station, site → location, user → operator, Result → result, TestTime → execTime,
 *   ExitCode → errorCode, Info1-3 → misc infos.
 * - Steps in TestStepNumber order: numeric → numeric limit steps (the comparison follows from
 *   which limits exist), text → string steps, other → string steps or attachments (bytes that
 *   are not text). TestResultType → step status through `results.step`; NULL → computed.
 */
import { createUutReport, type SequenceBuilder, type StepStatus, type UutReport } from '@tswats/sdk';
import type { VteRunHeader, VteStep } from '../db/types.js';
import { STEP_TABLES } from '../db/queries.js';
import { runReportId, isGuid } from './ids.js';
import { clip, fail, localInstant, nonEmpty, runIdentity, validated, type RecordRef, type VteMapConfig } from './common.js';

/** Longest text written as a string measurement; longer text (or binary data) becomes an attachment. */
export const MAX_STRING_VALUE = 4000;

/** Maps one run; throws `VteMappingError` (naming the run and field) when it cannot be a valid report. */
export function mapRunToUut(run: VteRunHeader, steps: readonly VteStep[], config: VteMapConfig): UutReport {
  const ref: RecordRef = { kind: 'run', indexGuid: run.indexGuid };
  if (!isGuid(run.indexGuid)) fail(ref, 'IndexData.Index_GUID', `not a GUID: ${JSON.stringify(run.indexGuid)}`);
  const id = runIdentity(ref, run, config);
  const { date, offsetMinutes } = localInstant(ref, 'IndexData.Timestamp', run.timestamp, config.timeZone);
  if (run.result === null) fail(ref, 'IndexData.Result', 'NULL result');
  const result = config.results.run[String(run.result)];
  if (result === undefined) fail(ref, 'IndexData.Result', `unknown result code ${run.result} (add it to results.run in the config)`);
  const plan = nonEmpty(run.testplanName);
  const uut = createUutReport({
    ...id,
    id: runReportId(run.indexGuid),
    purpose: config.station.purpose,
    operator: nonEmpty(run.userName) === undefined ? undefined : clip(run.userName!, 100),
    start: date,
    startOffsetMinutes: offsetMinutes,
    result,
    execTime: run.testTime ?? undefined,
    errorCode: run.exitCode !== null && Number.isInteger(run.exitCode) ? run.exitCode : undefined,
    rootName: clip(plan ?? 'VTE testplan', 100),
    rootSequence: {
      sequenceName: clip([plan, nonEmpty(run.testplanVariant)].filter(Boolean).join(' / ') || 'VTE testplan', 200),
      ...(nonEmpty(run.testplanRevision) ? { version: clip(run.testplanRevision!, 30) } : {}),
    },
  });
  for (const [k, v] of [['Info1', run.info1], ['Info2', run.info2], ['Info3', run.info3]] as const) {
    const text = nonEmpty(v);
    if (text !== undefined) uut.addMiscInfo(k, clip(text, 100));
  }
  if (nonEmpty(run.testplanVariant)) uut.addMiscInfo('Testplan variant', clip(run.testplanVariant!, 100));
  if (nonEmpty(run.productType)) uut.addMiscInfo('Product type', clip(run.productType!, 100));
  for (const step of steps) addStep(uut.root, step, ref, config);
  return validated(ref, uut.build({ consume: true }));
}

function addStep(root: SequenceBuilder, step: VteStep, ref: RecordRef, config: VteMapConfig): void {
  const table = STEP_TABLES[step.kind];
  const field = `${table}[TestStepNumber=${step.stepNumber}]`;
  let status: StepStatus | undefined;
  if (step.resultType !== null) {
    status = config.results.step[String(step.resultType)];
    if (status === undefined) fail(ref, `${field}.TestResultType`, `unknown step result code ${step.resultType} (add it to results.step in the config)`);
  }
  const baseName = nonEmpty(step.name) ?? `Step ${step.stepNumber}`;
  const number = nonEmpty(step.testNumber);
  const name = clip(config.steps.prefixTestNumber && number ? `${number} ${baseName}` : baseName, 100);
  const description = nonEmpty(step.description);
  const opts = { ...(status ? { status } : {}), ...(description ? { reportText: description } : {}) };
  try {
    if (step.kind === 'numeric') {
      const unit = nonEmpty(step.units);
      const value = step.value === null ? 'NaN' : typeof step.value === 'number' ? step.value : String(step.value);
      if (typeof value === 'string' && value !== 'NaN') fail(ref, `${field}.TestResult`, `not a number: ${JSON.stringify(value.slice(0, 50))}`);
      const low = finite(step.lowLimit);
      const high = finite(step.highLimit);
      // Single-limit operators take their limit in lowLimit (also LE): see docs/report-model.md.
      const limits =
        low !== undefined && high !== undefined ? { compOp: 'GELE' as const, lowLimit: low, highLimit: high }
          : low !== undefined ? { compOp: 'GE' as const, lowLimit: low }
            : high !== undefined ? { compOp: 'LE' as const, lowLimit: high }
              : { compOp: 'LOG' as const };
      root.addNumeric(name, { value, ...(unit ? { unit } : {}), ...limits, ...opts });
    } else {
      const v = step.value;
      if (v instanceof Uint8Array) {
        const text = asText(v);
        if (text !== undefined && text.length <= MAX_STRING_VALUE) root.addString(name, { value: text, compOp: 'LOG', ...opts });
        else root.addAttachment(name, { name: clip(`${baseName}.bin`, 256), contentType: 'application/octet-stream', data: v }, opts);
      } else {
        const text = v === null ? '' : String(v);
        if (text.length <= MAX_STRING_VALUE) root.addString(name, { value: text, compOp: 'LOG', ...opts });
        else root.addAttachment(name, { name: clip(`${baseName}.txt`, 256), contentType: 'text/plain; charset=utf-8', data: text }, opts);
      }
    }
  } catch (err) {
    if (err instanceof TypeError) fail(ref, field, err.message, err);
    throw err;
  }
}

function finite(v: number | null): number | undefined {
  return v !== null && Number.isFinite(v) ? v : undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text when they are valid UTF-8 without control characters (other than tab, CR, LF). */
function asText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text) ? undefined : text;
}
