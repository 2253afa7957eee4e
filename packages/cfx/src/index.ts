/**
 * @tswats/cfx: IPC-CFX (IPC-2591) messages to WATS. Explicit named exports only.
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
// Transport and bridge.
export { BrokerConnection, BrokerConnectError } from './amqp/connection.js';
export { ConfirmingSender, SendError } from './amqp/sender.js';
export type { OutgoingMessage } from './amqp/sender.js';
export { CreditReceiver } from './amqp/receiver.js';
export type { CreditReceiverOptions, InboundMessage, Outcome } from './amqp/receiver.js';
export { describeBroker, parseBrokerUrl } from './amqp/settings.js';
export type { BrokerSettings } from './amqp/settings.js';
export { bridgeConfigJsonSchema, bridgeOptionsSchema, loadBridgeConfig, resolveBridgeConfig } from './bridge/config.js';
export type { BridgeConfig, BridgeOptions, ResolveBridgeConfigOptions, ResolvedBridgeConfig } from './bridge/config.js';
export { startBridge } from './bridge/bridge.js';
export type { BridgeHandle, StartBridgeOptions } from './bridge/bridge.js';
export type { BridgeProblem, BridgeState, BridgeStatus } from './bridge/status.js';
export { WatsGate, unavailability } from './bridge/gate.js';
export { fileLedger, memoryLedger } from './bridge/ledger.js';
export type { EffectLedger } from './bridge/ledger.js';
export { UnitCache } from './bridge/lookup.js';
export { bodyBytes } from './wire.js';
export { cfxMappingSchema } from './config.js';
