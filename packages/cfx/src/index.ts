/**
 * @tswats/cfx: IPC-CFX (IPC-2591) messages to WATS. Explicit named exports only.
 * In progress: wire form, envelope, mapping and config exist; the AMQP transport, the bridge
 * service and the CLI come later (see docs/cfx.md).
 */
export { CfxConfigError, CfxDecodeError, CfxMappingError } from './errors.js';
export type { CfxConfigIssue, CfxDecodeReason } from './errors.js';
export { CFX_MESSAGE_NAMES, createEnvelope, normalizeMessageName, parseEnvelope } from './envelope.js';
export type { CfxEnvelope, CfxMessageShortName, CreateEnvelopeInput, ParseEnvelopeOptions } from './envelope.js';
export { parseCfxTime, isValidTimeZone } from './time.js';
export type { CfxTime } from './time.js';
export { CFX_CONTENT_TYPE, decodeCfxBody, decodeCfxMessage, encodeCfxMessage } from './wire.js';
export type { CfxIncomingMessage, CfxWireMessage, DecodeOptions, EncodeOptions } from './wire.js';
export { field as cfxField } from './json.js';
export type { JsonObject } from './json.js';
export { resolveCfxConfig } from './config.js';
export type { CfxMappingConfig, CfxMappingOptions } from './config.js';
export { mapEnvelope } from './map/map-envelope.js';
export type { MapContext } from './map/context.js';
export type { AssetUpdate, CfxMapResult, CfxMapStatus, KnownUnit, ProductionUpdate, UnitLookup } from './map/types.js';
export { WorkTracker } from './map/work-tracker.js';
export type { WorkRecord, WorkTrackerOptions, WorkUnit } from './map/work-tracker.js';
export { createReportIndex } from './map/report-index.js';
export type { ReportIndex, UutRef } from './map/report-index.js';
export { resolvePartNumber } from './map/part-number.js';
export type { ResolvedPart } from './map/part-number.js';
export { assetStateForE10 } from './map/assets.js';
export { cfxReportId, uuidV5, CFX_REPORT_ID_NAMESPACE } from './map/ids.js';
export { convertUnit, parseUnit } from './map/units.js';
export type { ParsedUnit } from './map/units.js';
