/**
 * Inputs accepted by the report builders (`createUutReport`, `createUurReport`).
 */
import type { AdditionalData, ChartType, CompOp, StepGroup, StepStatus } from './types.js';
import type { Loop } from './step-types.js';

/** Options every `add*` step method accepts. */
export interface StepOptions {
  /**
   * The step's status. When omitted it is computed: from the measurements for test steps
   * (the most severe of them), from the children for sequences (see `failParentOnFail`),
   * and `P` for everything else.
   */
  status?: StepStatus;
  /** Setup, Main or Cleanup. @default 'M' */
  group?: StepGroup;
  /**
   * Whether a Failed/Error/Terminated status of this step raises its parent sequence (and
   * through the root, the report result). @default true
   */
  failParentOnFail?: boolean;
  /** Step execution time in seconds. */
  totTime?: number;
  /** Free text shown with the step (4399 characters have been accepted by a server). */
  reportText?: string;
  /** Error code reported by the step. */
  errorCode?: number;
  /** Error message reported by the step. */
  errorMessage?: string;
  /** Loop information, written as given (the submit shape for loops is unverified). */
  loop?: Loop;
  /** Step-level additional data blocks (`additionalResults`). */
  additionalResults?: AdditionalData[];
  /** Further WSJF keys to write on the step verbatim (not `stepType`, `name`, `status`, `id`, `steps`, `group`). */
  extra?: Record<string, unknown>;
}

/** Options for a sequence call step. */
export interface SequenceOptions extends StepOptions {
  /** `seqCall.name`. @default the step name */
  sequenceName?: string;
  /** `seqCall.path` (the sequence file); written only when given. */
  path?: string;
  /** `seqCall.version`; written only when given. */
  version?: string;
}

/** A numeric measurement. `status` is computed from `compOp` and the limits when omitted. */
export interface NumericInput {
  /** Non-finite numbers are written as `"NaN"`, `"Infinity"`, `"-Infinity"`. */
  value: number | string;
  /** Unit, e.g. `V`; written only when given. */
  unit?: string;
  /**
   * Comparison operator. Defaults to `LOG` when no limit is given; giving a limit without an
   * operator is an error. Single-limit operators (EQ NE GT GE LT LE) use `lowLimit` only.
   */
  compOp?: CompOp;
  /** Limit used by every comparing operator (the only one used by EQ NE GT GE LT LE; EQT's nominal). */
  lowLimit?: number | string;
  /** Range operators' upper limit; EQT's tolerance. */
  highLimit?: number | string;
  /** The measurement's status; computed from `compOp` and the limits when omitted. */
  status?: StepStatus;
  /** Display format of the value (a TestStand/C# format string), written verbatim. */
  valueFormat?: string;
  /** Display format of `lowLimit`, written verbatim. */
  lowLimitFormat?: string;
  /** Display format of `highLimit`, written verbatim. */
  highLimitFormat?: string;
}

/** A numeric measurement in a multi step. Duplicate names get ` #2`, ` #3`, ... */
export interface NamedNumericInput extends NumericInput {
  /** Measurement name; required in multi steps. */
  name: string;
}

/** A pass/fail measurement in a multi step. */
export interface NamedPassFailInput {
  /** Measurement name. */
  name: string;
  /** True for `P`, false for `F`. */
  passed: boolean;
  /** Overrides the status derived from `passed`. */
  status?: StepStatus;
}

/** A string measurement. Defaults to `LOG` when no limit is given. */
export interface StringInput {
  /** The measured string. */
  value: string;
  /** LOG (default without a limit), EQ/NE/CASESENSIT (exact) or IGNORECASE. */
  compOp?: Extract<CompOp, 'LOG' | 'EQ' | 'NE' | 'CASESENSIT' | 'IGNORECASE'>;
  /** The expected string; needed by every operator but LOG. */
  limit?: string;
  /** The measurement's status; computed when omitted. */
  status?: StepStatus;
}

/** A string measurement in a multi step. */
export interface NamedStringInput extends StringInput {
  /** Measurement name; required in multi steps. */
  name: string;
}

/** One chart series. Arrays are written as semicolon-separated text (`"0;1;2"`). */
export interface ChartSeriesInput {
  /** Series name (max 100). */
  name: string;
  /** X values; omitted from the output when not given. */
  x?: readonly number[] | string;
  /** Y values. */
  y: readonly number[] | string;
  /** @default 'XYG' */
  dataType?: string;
}

/** A chart. */
export interface ChartInput {
  /** @default 'Line' */
  chartType?: ChartType;
  /** Chart title (max 100). */
  label?: string;
  /** X axis label (max 100). */
  xLabel?: string;
  /** X axis unit (max 50); null is what the server exports when there is none. */
  xUnit?: string | null;
  /** Y axis label (max 100). */
  yLabel?: string;
  /** Y axis unit (max 50). */
  yUnit?: string | null;
  /** The series to plot. */
  series: ChartSeriesInput[];
}

/** Input for a numeric-plus-graph step (`WATS_XYGMNLT`). */
export interface XYNumericInput {
  /** Names are required when there is more than one measurement. */
  measurements: Array<NumericInput & { name?: string }>;
  chart: ChartInput;
}

/** A file to attach: bytes, or text (encoded as UTF-8), written as base64. */
export interface AttachmentInput {
  /** File name (max 256). */
  name: string;
  /** MIME type, e.g. `image/png` (max 100). */
  contentType: string;
  /** Bytes, or text that is encoded as UTF-8; written as base64. */
  data: Uint8Array | string;
  /** Description (max 500). */
  description?: string;
}

/** A report-level attachment (`binaryData[]`). */
export interface ReportAttachmentInput extends AttachmentInput {
  /** UUR only: the index of the failure this attachment belongs to (indexing unverified against a server). */
  failIdx?: number;
}
