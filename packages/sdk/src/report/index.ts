/**
 * The WSJF report model: types, lenient lossless parsing, comparison evaluation, builders
 * and pre-submit validation. Re-exported by the package entry point.
 */
export type {
  AdditionalData, AdditionalDataArray, AdditionalDataProp, Asset, AssetStat, Attachment, BinaryData, ChartType,
  CompOp, MiscInfo, ReportBase, ReportResult, ReportType, StepGroup, StepStatus, SubUnit, UurFailure, UurInfo,
  UurReport, UutInfo, UutReport, WsjfExtra, WsjfNumber, WsjfReport,
} from './types.js';
export type {
  ActionStep, AttachFileStep, BooleanMeasurement, CallExecutableStep, Chart, ChartSeries, ChartStep, GenericStep,
  GenericStepType, KnownStep, KnownStepType, Loop, MeasurementBase, MessagePopupStep, MultiNumericLimitStep,
  MultiPassFailStep, MultiStringValueStep, NumericLimitStep, NumericMeasurement, PassFailStep, SeqCallInfo,
  SequenceCallStep, Step, StepBase, StringMeasurement, StringValueStep, UnknownStep, XYNumericStep,
} from './step-types.js';
export { forEachStep, isSequenceCall, isStepType, MEASUREMENT_KEYS, MULTI_STEP_TYPES } from './steps.js';
export type { MeasurementKey, StepOfType, StepVisitor } from './steps.js';
export { parseReport, reportToJson, serializeReport } from './parse.js';
export type { ParseReportOptions } from './parse.js';
export { formatWatsDate, parseWatsDate } from './dates.js';
export { COMP_OPS, evaluateNumeric, evaluateString, normalizeCompOp, toWsjfNumberValue } from './comp-op.js';
export type { CompOpInfo, CompOpLimits } from './comp-op.js';
export { raiseStatus, raisesParent, STATUS_SEVERITY } from './status.js';
export { FIELD_LIMITS, PROBLEMATIC_SN_PN_CHARS, resolveFieldLimits, XML_INVALID_CHARS_RE } from './limits.js';
export type { FieldLimitKey, FieldLimits } from './limits.js';
export { validateReport } from './validate.js';
export type { ValidateReportOptions, ValidateReportResult } from './validate.js';
export { SequenceBuilder } from './sequence-builder.js';
export { ReportBuilderBase } from './builder.js';
export type { BuildOptions, ReportHeaderOptions } from './builder.js';
export { createUutReport, UutReportBuilder } from './uut-builder.js';
export type { UutReportOptions, UutSubUnitInput } from './uut-builder.js';
export { createUurReport, UurReportBuilder } from './uur-builder.js';
export type { UurFailureInput, UurReportOptions, UurSubUnitInput } from './uur-builder.js';
export type {
  AttachmentInput, ChartInput, ChartSeriesInput, NamedNumericInput, NamedPassFailInput, NamedStringInput, NumericInput,
  ReportAttachmentInput, SequenceOptions, StepOptions, StringInput, XYNumericInput,
} from './builder-options.js';
export { isBase64, isUuid, toBase64 } from './encoding.js';
