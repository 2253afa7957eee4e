/**
 * WSJF step and measurement types (sdk.md §2.9-§2.12).
 *
 * `KnownStep` is a discriminated union on `stepType`. Real files also carry step types
 * nobody has modelled (e.g. `NI_IVIDmm`); they parse as {@link UnknownStep} with every
 * key kept. Because an unknown step's `stepType` is any string, narrow a {@link Step}
 * with the guards in `steps.ts` (`isStepType`, `isSequenceCall`, ...) rather than with
 * a bare `switch`.
 */
import type {
  AdditionalData, Attachment, ChartType, CompOp, StepGroup, StepStatus, WsjfExtra, WsjfNumber,
} from './types.js';

/** A loop entry or loop summary (sdk.md §2.11). Preserved exactly as read; the submit shape is unverified. */
export interface Loop extends WsjfExtra {
  /** Set on an iteration entry. */
  idx?: number | null;
  /** Set on a loop summary, with `endingIndex`, `passed` and `failed`. */
  num?: number | null;
  endingIndex?: number | null;
  passed?: number | null;
  failed?: number | null;
  /** pyWATS's spelling of `idx`. */
  i?: number | null;
  /** pyWATS's spelling of `num`. */
  n?: number | null;
  parent?: Loop | null;
}

/** One chart series: semicolon-separated numbers, e.g. `"0;1;2"` (sdk.md §2.12). */
export interface ChartSeries extends WsjfExtra {
  /** `XYG` in every known file. */
  dataType?: string | null;
  name: string;
  xdata?: string | null;
  ydata: string;
}

/** A step chart (sdk.md §2.12). Only one chart per step. */
export interface Chart extends WsjfExtra {
  chartType: ChartType;
  label?: string | null;
  xLabel?: string | null;
  /** `null` in real server exports. */
  xUnit?: string | null;
  yLabel?: string | null;
  yUnit?: string | null;
  series: ChartSeries[];
}

/** Keys shared by every measurement. `name` is required (and unique) in multi steps. */
export interface MeasurementBase extends WsjfExtra {
  name?: string | null;
  status: StepStatus;
}

/** A numeric measurement (`numericMeas[]`). Single-limit operators use `lowLimit` only. */
export interface NumericMeasurement extends MeasurementBase {
  value: WsjfNumber;
  unit?: string | null;
  compOp?: CompOp;
  lowLimit?: WsjfNumber | null;
  highLimit?: WsjfNumber | null;
  valueFormat?: string | null;
  lowLimitFormat?: string | null;
  highLimitFormat?: string | null;
}

/** A pass/fail measurement (`booleanMeas[]`). The server never returns a `value`. */
export type BooleanMeasurement = MeasurementBase;

/** A string measurement (`stringMeas[]`). */
export interface StringMeasurement extends MeasurementBase {
  value: string;
  compOp?: CompOp;
  limit?: string | null;
}

/** `seqCall` of a sequence call step. */
export interface SeqCallInfo extends WsjfExtra {
  path?: string | null;
  name?: string | null;
  version?: string | null;
}

/** Keys shared by every step (sdk.md §2.9). */
export interface StepBase extends WsjfExtra {
  stepType: string;
  name: string;
  group?: StepGroup;
  status: StepStatus;
  /** Sequential step id; referenced by `stepIdCausedUUTFailure`, `refStepId` and attachment lookup. */
  id?: number | string;
  /** Seconds. */
  totTime?: number | string | null;
  totTimeFormat?: string | null;
  start?: string | null;
  causedUUTFailure?: boolean | null;
  causedSeqFailure?: boolean | null;
  errorCode?: number | string | null;
  errorCodeFormat?: string | null;
  errorMessage?: string | null;
  reportText?: string | null;
  tsGuid?: string | null;
  loop?: Loop | null;
  chart?: Chart | null;
  attachment?: Attachment | null;
  additionalResults?: AdditionalData[] | null;
}

/** A sequence call: the container step (`SequenceCall`, alias `WATS_SeqCall`). */
export interface SequenceCallStep extends StepBase {
  stepType: 'SequenceCall' | 'WATS_SeqCall';
  seqCall?: SeqCallInfo | null;
  steps?: Step[] | null;
  caller?: unknown;
  module?: unknown;
}

/** Single numeric limit test: `numericMeas` has exactly one element. */
export interface NumericLimitStep extends StepBase {
  stepType: 'ET_NLT' | 'NumericLimitTest';
  numericMeas?: NumericMeasurement[] | null;
}

/** Multiple numeric limit test: every element has a unique `name`. */
export interface MultiNumericLimitStep extends StepBase {
  stepType: 'ET_MNLT' | 'MultiNumericLimitTest';
  numericMeas?: NumericMeasurement[] | null;
}

/** Numeric limits plus an XY graph (server export only; not modelled by pyWATS). */
export interface XYNumericStep extends StepBase {
  stepType: 'WATS_XYGMNLT';
  numericMeas?: NumericMeasurement[] | null;
  chart?: Chart | null;
}

/** Single pass/fail test. */
export interface PassFailStep extends StepBase {
  stepType: 'ET_PFT' | 'PassFailTest';
  booleanMeas?: BooleanMeasurement[] | null;
}

/** Multiple pass/fail test. */
export interface MultiPassFailStep extends StepBase {
  stepType: 'ET_MPFT' | 'MultiBooleanTest';
  booleanMeas?: BooleanMeasurement[] | null;
}

/** Single string value test. */
export interface StringValueStep extends StepBase {
  stepType: 'ET_SVT' | 'StringValueTest';
  stringMeas?: StringMeasurement[] | null;
}

/** Multiple string value test. */
export interface MultiStringValueStep extends StepBase {
  stepType: 'ET_MSVT' | 'MultiStringTest';
  stringMeas?: StringMeasurement[] | null;
}

/** An action step: no data. */
export interface ActionStep extends StepBase {
  stepType: 'Action';
}

/** An operator prompt. `button` is the index of the button pressed (an integer). */
export interface MessagePopupStep extends StepBase {
  stepType: 'MessagePopup';
  messagePopup?: ({ response?: string | null; button?: number | null } & WsjfExtra) | null;
}

/** An external program call. */
export interface CallExecutableStep extends StepBase {
  stepType: 'CallExecutable';
  callExe?: ({ exitCode?: number | null } & WsjfExtra) | null;
}

/** A stand-alone chart step (pyWATS-defined; unverified that the server accepts it). */
export interface ChartStep extends StepBase {
  stepType: 'Chart';
  chart?: Chart | null;
}

/** A file attachment step. */
export interface AttachFileStep extends StepBase {
  stepType: 'WATS_AttachFile';
  attachment?: Attachment | null;
}

/** Step types that carry no measurement: flow control and TestStand built-ins. */
export type GenericStepType =
  | 'Goto' | 'Label' | 'Statement' | 'GT' | 'GenericTest' | 'DoWhile' | `NI_${string}`;

/** A generic or flow step (`Goto`, `Label`, `NI_Flow_*`, `NI_Lock`, `NI_IVIDmm`, ...). */
export interface GenericStep extends StepBase {
  stepType: GenericStepType;
}

/** Every step type this SDK models. */
export type KnownStep =
  | SequenceCallStep | NumericLimitStep | MultiNumericLimitStep | XYNumericStep
  | PassFailStep | MultiPassFailStep | StringValueStep | MultiStringValueStep
  | ActionStep | MessagePopupStep | CallExecutableStep | ChartStep | AttachFileStep | GenericStep;

/** Any other step type: kept verbatim with all its keys. */
export interface UnknownStep extends StepBase {
  stepType: string;
}

/** Any step. */
export type Step = KnownStep | UnknownStep;

/** A `stepType` value this SDK models. */
export type KnownStepType = KnownStep['stepType'];
