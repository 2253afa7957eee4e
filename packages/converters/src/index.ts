/** @tswats/converters: test-equipment files → WSJF reports. Pure functions, no network. */
export { BUILT_IN_CONVERTERS, convert, convertStream, detect, loadConverter } from './registry.js';
export type { ConversionStream, ConvertCallOptions, RegistryOptions } from './registry.js';
export { ConversionError } from './errors.js';
export type { ConversionErrorCode, SourcePosition } from './errors.js';
export { decodeText, decodeWindows1252, listFolder, looksBinary, openInput } from './input.js';
export type { InputFile, InputSource } from './input.js';
export { checkTimeZone, localToIso, machineTimeZone, parseLocalTimestamp, zoneOffsetMinutes } from './time.js';
export type { LocalDateTime } from './time.js';
export { assertSafeXml, xmlRoot } from './xml.js';
export type {
  ConversionWarning,
  ConvertContext,
  ConvertOptions,
  ConvertResult,
  Converter,
  Detection,
  DetectResult,
} from './types.js';
export { wsjfConverter } from './wsjf/index.js';
export { contentReportId } from './report-id.js';
