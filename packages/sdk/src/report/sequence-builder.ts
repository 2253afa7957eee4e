/**
 * The step-tree half of the report builder: a {@link SequenceBuilder} per sequence call.
 *
 * Each step is written once, as its final WSJF object (with `status` and `id` slots in their
 * place); `build()` fills those in, assigning step ids sequentially depth-first (a parent before
 * its children) and computing every status that was not given (see `finalizeSequence`).
 */
import {
  assertStatus, attachmentObject, booleanMeasurement, booleanMeasurements, chartObject, multiNames,
  numericMeasurement, stringMeasurement, worstOf,
} from './builder-measurements.js';
import type {
  ChartInput, NamedNumericInput, NamedPassFailInput, NamedStringInput, NumericInput, SequenceOptions,
  StepOptions, StringInput, XYNumericInput, AttachmentInput,
} from './builder-options.js';
import { raiseStatus } from './status.js';
import type { SequenceCallStep, Step } from './step-types.js';
import type { StepStatus } from './types.js';

interface StepDraft {
  /** The WSJF step object: `status` and `id` are filled in (and `steps` set) by `finalize`. */
  step: Record<string, unknown>;
  /** Explicit status: always wins. */
  status: StepStatus | undefined;
  /** Status computed from the step's own measurements. */
  derived: StepStatus | undefined;
  failParentOnFail: boolean;
  children?: StepDraft[];
  /** Shared by every sequence of one report builder (sequences only). */
  seal?: BuilderSeal;
}

/** @internal Set when a report builder has been consumed by `build({ consume: true })`. */
export interface BuilderSeal {
  sealed: boolean;
}

const DRAFTS = new WeakMap<SequenceBuilder, StepDraft>();
const RESERVED = new Set(['stepType', 'name', 'status', 'id', 'steps', 'group']);
const GROUPS: readonly string[] = ['S', 'M', 'C'];
/** Step options copied into the step body, in this order. */
const BODY_OPTIONS = ['totTime', 'reportText', 'errorCode', 'errorMessage', 'loop'] as const;

function draftOf(stepType: string, name: string, opts: StepOptions, payload: Record<string, unknown>, derived?: StepStatus): StepDraft {
  const what = `${stepType} "${String(name)}"`;
  if (typeof name !== 'string') throw new TypeError(`${stepType}: the step name must be a string`);
  assertStatus(opts.status, what);
  const group = opts.group ?? 'M';
  if (!GROUPS.includes(group)) throw new TypeError(`${what}: group must be S, M or C; got ${JSON.stringify(group)}`);
  // Key order as WSJF writes it: stepType, name, group, status, id, then the body.
  const step: Record<string, unknown> = { stepType, name, group, status: undefined, id: undefined };
  for (const k of BODY_OPTIONS) {
    if (opts[k] !== undefined) step[k] = opts[k];
  }
  for (const k in payload) step[k] = payload[k];
  if (opts.additionalResults !== undefined) step.additionalResults = opts.additionalResults;
  if (opts.extra !== undefined && opts.extra !== null) {
    for (const [k, v] of Object.entries(opts.extra)) {
      if (RESERVED.has(k)) throw new TypeError(`${what}: extra key "${k}" is set by the builder`);
      step[k] = v;
    }
  }
  return { step, status: opts.status, derived, failParentOnFail: opts.failParentOnFail ?? true };
}

/** Throws once the report builder that owns `builder` has been consumed. */
function assertOpen(builder: SequenceBuilder): void {
  if (DRAFTS.get(builder)!.seal?.sealed) {
    throw new TypeError('this report builder was consumed by build({ consume: true }); create a new builder to add steps');
  }
}

/** @internal Ties a root sequence (and every sequence added to it later) to its report builder's seal. */
export function bindSeal(builder: SequenceBuilder, seal: BuilderSeal): void {
  DRAFTS.get(builder)!.seal = seal;
}

/**
 * Adds steps to one sequence call. Get one from a report builder's `root`, or from
 * {@link SequenceBuilder.addSequence}. All `add*` methods except `addSequence` return
 * `this` for chaining; they throw `TypeError` on invalid input (e.g. a limit missing for
 * the comparison operator).
 */
export class SequenceBuilder {
  /** @internal Use a report builder's `root`. */
  constructor(name: string, opts: SequenceOptions = {}) {
    const seqCall: Record<string, unknown> = { name: opts.sequenceName ?? name };
    if (opts.path !== undefined) seqCall.path = opts.path;
    if (opts.version !== undefined) seqCall.version = opts.version;
    DRAFTS.set(this, { ...draftOf('SequenceCall', name, opts, { seqCall }), children: [] });
  }

  private push(draft: StepDraft): this {
    DRAFTS.get(this)!.children!.push(draft);
    return this;
  }

  /** Adds a nested sequence call and returns its builder. Its status is computed from its children unless given. */
  addSequence(name: string, opts: SequenceOptions = {}): SequenceBuilder {
    assertOpen(this);
    const child = new SequenceBuilder(name, opts);
    const draft = DRAFTS.get(child)!;
    draft.seal = DRAFTS.get(this)!.seal;
    this.push(draft);
    return child;
  }

  /** Adds a single numeric limit test (`ET_NLT`). `opts.status` sets both the measurement and the step. */
  addNumeric(name: string, opts: NumericInput & StepOptions): this {
    assertOpen(this);
    const m = numericMeasurement(opts, `ET_NLT "${name}"`);
    return this.push(draftOf('ET_NLT', name, opts, { numericMeas: [m] }, m.status));
  }

  /** Adds a multiple numeric limit test (`ET_MNLT`); duplicate names become `x #2`, `x #3`, ... */
  addMultiNumeric(name: string, measurements: readonly NamedNumericInput[], opts: StepOptions = {}): this {
    assertOpen(this);
    const what = `ET_MNLT "${name}"`;
    const names = multiNames(measurements, what, true);
    const list = measurements.map((m, i) => numericMeasurement(m, `${what}[${i}]`, names[i]));
    return this.push(draftOf('ET_MNLT', name, opts, { numericMeas: list }, worstOf(list.map((m) => m.status))));
  }

  /** Adds a single pass/fail test (`ET_PFT`). */
  addPassFail(name: string, passed: boolean, opts: StepOptions = {}): this {
    assertOpen(this);
    const m = booleanMeasurement({ passed, status: opts.status }, `ET_PFT "${name}"`);
    return this.push(draftOf('ET_PFT', name, opts, { booleanMeas: [m] }, m.status));
  }

  /** Adds a multiple pass/fail test (`ET_MPFT`). */
  addMultiPassFail(name: string, measurements: readonly NamedPassFailInput[], opts: StepOptions = {}): this {
    assertOpen(this);
    const list = booleanMeasurements(measurements, `ET_MPFT "${name}"`);
    return this.push(draftOf('ET_MPFT', name, opts, { booleanMeas: list }, worstOf(list.map((m) => m.status))));
  }

  /** Adds a single string value test (`ET_SVT`). */
  addString(name: string, opts: StringInput & StepOptions): this {
    assertOpen(this);
    const m = stringMeasurement(opts, `ET_SVT "${name}"`);
    return this.push(draftOf('ET_SVT', name, opts, { stringMeas: [m] }, m.status));
  }

  /** Adds a multiple string value test (`ET_MSVT`). */
  addMultiString(name: string, measurements: readonly NamedStringInput[], opts: StepOptions = {}): this {
    assertOpen(this);
    const what = `ET_MSVT "${name}"`;
    const names = multiNames(measurements, what, true);
    const list = measurements.map((m, i) => stringMeasurement(m, `${what}[${i}]`, names[i]));
    return this.push(draftOf('ET_MSVT', name, opts, { stringMeas: list }, worstOf(list.map((m) => m.status))));
  }

  /** Adds an `Action` step (status `P` unless given). */
  addAction(name: string, opts: StepOptions = {}): this {
    assertOpen(this);
    return this.push(draftOf('Action', name, opts, {}));
  }

  /** Adds a `CallExecutable` step. The status is `P` unless given: the exit code alone does not fail it. */
  addCallExe(name: string, opts: { exitCode: number } & StepOptions): this {
    assertOpen(this);
    if (typeof opts.exitCode !== 'number') throw new TypeError(`CallExecutable "${name}": exitCode must be a number`);
    return this.push(draftOf('CallExecutable', name, opts, { callExe: { exitCode: opts.exitCode } }));
  }

  /** Adds a `MessagePopup` step; `button` is the integer index of the button pressed. */
  addMessagePopup(name: string, opts: { button: number; response?: string | null } & StepOptions): this {
    assertOpen(this);
    if (!Number.isInteger(opts.button)) throw new TypeError(`MessagePopup "${name}": button must be an integer`);
    const messagePopup: Record<string, unknown> = {};
    if (opts.response !== undefined) messagePopup.response = opts.response;
    messagePopup.button = opts.button;
    return this.push(draftOf('MessagePopup', name, opts, { messagePopup }));
  }

  /** Adds a stand-alone `Chart` step (pyWATS-defined; unverified that the server accepts it). */
  addChart(name: string, chart: ChartInput, opts: StepOptions = {}): this {
    assertOpen(this);
    return this.push(draftOf('Chart', name, opts, { chart: chartObject(chart, `Chart "${name}"`) }));
  }

  /** Adds numeric measurements with an XY graph (`WATS_XYGMNLT`, as the server exports them). */
  addXYNumeric(name: string, input: XYNumericInput, opts: StepOptions = {}): this {
    assertOpen(this);
    const what = `WATS_XYGMNLT "${name}"`;
    const names = multiNames(input.measurements, what, false);
    const list = input.measurements.map((m, i) => numericMeasurement(m, `${what}[${i}]`, names[i]));
    const payload = { numericMeas: list, chart: chartObject(input.chart, what) };
    return this.push(draftOf('WATS_XYGMNLT', name, opts, payload, worstOf(list.map((m) => m.status))));
  }

  /** Adds a `WATS_AttachFile` step; `data` is bytes or text (UTF-8), written as base64. */
  addAttachment(name: string, file: AttachmentInput, opts: StepOptions = {}): this {
    assertOpen(this);
    return this.push(draftOf('WATS_AttachFile', name, opts, { attachment: attachmentObject(file, `WATS_AttachFile "${name}"`) }));
  }

  /** Adds a step of any other type (`Goto`, `Label`, `NI_Flow_If`, ...) with no data; status `P` unless given. */
  addGeneric(stepType: string, name: string, opts: StepOptions = {}): this {
    assertOpen(this);
    if (typeof stepType !== 'string' || stepType === '') throw new TypeError('addGeneric: stepType must be a non-empty string');
    return this.push(draftOf(stepType, name, opts, {}));
  }
}

/** Build-time settings shared by the whole tree. */
export interface FinalizeContext {
  nextId: number;
  /** false: sequences keep `P` (or their explicit status) whatever their children did. */
  propagate: boolean;
}

/**
 * Turns a sequence builder into a WSJF step tree. Ids are assigned depth-first, parents
 * first. Status: explicit > computed; a sequence's computed status starts at `P` and is
 * raised by each child whose status is F/E/T and that has `failParentOnFail` (P < F < E < T).
 */
export function finalizeSequence(builder: SequenceBuilder, ctx: FinalizeContext): SequenceCallStep {
  return finalize(DRAFTS.get(builder)!, ctx) as SequenceCallStep;
}

function finalize(draft: StepDraft, ctx: FinalizeContext): Step {
  const step = draft.step;
  step.id = ctx.nextId++;
  const children = draft.children;
  if (children) {
    let computed: StepStatus = 'P';
    const steps: Step[] = [];
    for (const child of children) {
      const s = finalize(child, ctx);
      if (ctx.propagate && child.failParentOnFail) computed = raiseStatus(computed, s.status);
      steps.push(s);
    }
    step.status = draft.status ?? computed;
    step.steps = steps;
  } else {
    step.status = draft.status ?? draft.derived ?? 'P';
  }
  return step as unknown as Step;
}

/** The status a finished tree gives the report: raised from `P` by the root when it is F/E/T. */
export function resultFromRoot(root: SequenceCallStep): 'P' | 'F' | 'E' | 'T' {
  return raiseStatus('P', root.status) as 'P' | 'F' | 'E' | 'T';
}
