/**
 * The CFX envelope (`CFX/CFXEnvelope.cs` in the official SDK):
 * `{MessageName, Version, TimeStamp, UniqueID, Source, Target, RequestID, MessageBody}`.
 * Fields are read case-insensitively; `MessageBody.$type` is tolerated or absent.
 */
import { randomUUID } from 'node:crypto';
import { CfxDecodeError } from './errors.js';
import { field, isObject, str, type JsonObject } from './json.js';
import { parseCfxTime, type CfxTime } from './time.js';

/** Full names of the messages this package knows, by short name. */
export const CFX_MESSAGE_NAMES = {
  UnitsTested: 'CFX.Production.TestAndInspection.UnitsTested',
  UnitsInspected: 'CFX.Production.TestAndInspection.UnitsInspected',
  UnitsRepaired: 'CFX.Production.ReworkAndRepair.UnitsRepaired',
  MaterialsInstalled: 'CFX.Production.Assembly.MaterialsInstalled',
  WorkStarted: 'CFX.Production.WorkStarted',
  WorkCompleted: 'CFX.Production.WorkCompleted',
  MaintenancePerformed: 'CFX.ResourcePerformance.MaintenancePerformed',
  CalibrationPerformed: 'CFX.ResourcePerformance.CalibrationPerformed',
  FaultOccurred: 'CFX.ResourcePerformance.FaultOccurred',
  StationStateChanged: 'CFX.ResourcePerformance.StationStateChanged',
  Heartbeat: 'CFX.Heartbeat',
  EndpointConnected: 'CFX.EndpointConnected',
} as const;

/** A short message name this package knows. */
export type CfxMessageShortName = keyof typeof CFX_MESSAGE_NAMES;

/** A decoded envelope. */
export interface CfxEnvelope {
  /** Full message name, e.g. `CFX.Production.TestAndInspection.UnitsTested` (short forms expanded). */
  messageName: string;
  /** Last segment of the name, e.g. `UnitsTested`. */
  shortName: string;
  /** Whether {@link shortName} is a message this package knows. */
  known: boolean;
  /** CFX version; unknown versions are accepted. */
  version: string | undefined;
  /** `TimeStamp` parsed (undefined when absent or unparseable). */
  timeStamp: CfxTime | undefined;
  /** The message id: the dedup key and the seed of report ids. */
  uniqueId: string;
  /** Sender's CFX handle. */
  source: string | undefined;
  target: string | undefined;
  requestId: string | undefined;
  /** `MessageBody` as received (keys keep their original case). */
  body: JsonObject;
  /** The whole envelope object as received. */
  raw: JsonObject;
}

const SHORT_BY_LOWER = new Map(Object.keys(CFX_MESSAGE_NAMES).map((k) => [k.toLowerCase(), k as CfxMessageShortName]));

/**
 * Normalises a message name: `UnitsTested`, `unitstested` and
 * `CFX.Production.TestAndInspection.UnitsTested` all give the full SDK name. An unknown name is
 * kept as it came (with `known: false`).
 */
export function normalizeMessageName(name: string): { messageName: string; shortName: string; known: boolean } {
  const trimmed = name.trim().split(',')[0]!.trim(); // tolerate a .NET `$type` ("…UnitsTested, CFX")
  const last = trimmed.slice(trimmed.lastIndexOf('.') + 1);
  const short = SHORT_BY_LOWER.get(last.toLowerCase());
  if (short === undefined) return { messageName: trimmed, shortName: last, known: false };
  const full = CFX_MESSAGE_NAMES[short];
  // A dotted name must match the SDK namespace: `CFX.Foo.UnitsTested` is not UnitsTested.
  if (trimmed.includes('.') && trimmed.toLowerCase() !== full.toLowerCase()) {
    return { messageName: trimmed, shortName: last, known: false };
  }
  return { messageName: full, shortName: short, known: true };
}

/** Options for {@link parseEnvelope}. */
export interface ParseEnvelopeOptions {
  /** Time zone for timestamps without an offset (see `parseCfxTime`). @default 'UTC' */
  timeZone?: string;
  /** Index of the envelope in a batch, used in error messages. */
  index?: number;
}

/**
 * Reads one envelope from parsed JSON. Throws {@link CfxDecodeError} (`not-envelope`) when the
 * value is not an object, or lacks a `MessageName` (or a `MessageBody.$type` to fall back on, as
 * the SDK's own `FromJson` does) or a `MessageBody` object.
 */
export function parseEnvelope(value: unknown, options: ParseEnvelopeOptions = {}): CfxEnvelope {
  const where = options.index === undefined ? 'envelope' : `envelope [${options.index}]`;
  if (!isObject(value)) throw new CfxDecodeError('not-envelope', `${where} is not a JSON object`);
  const body = field(value, 'MessageBody');
  if (!isObject(body)) throw new CfxDecodeError('not-envelope', `${where}: MessageBody is missing or not an object`);
  const name = str(value, 'MessageName') ?? str(body, '$type');
  if (name === undefined) throw new CfxDecodeError('not-envelope', `${where}: MessageName is missing`);
  const uniqueId = str(value, 'UniqueID');
  if (uniqueId === undefined) throw new CfxDecodeError('not-envelope', `${where}: UniqueID is missing`);
  const ts = str(value, 'TimeStamp');
  return {
    ...normalizeMessageName(name),
    version: str(value, 'Version'),
    timeStamp: ts === undefined ? undefined : parseCfxTime(ts, options.timeZone),
    uniqueId,
    source: str(value, 'Source'),
    target: str(value, 'Target'),
    requestId: str(value, 'RequestID'),
    body,
    raw: value,
  };
}

/** Input of {@link createEnvelope}. */
export interface CreateEnvelopeInput {
  /** Short or full message name. */
  messageName: string;
  /** The message body; `$type` is added first when missing. */
  body: JsonObject;
  /** Sender's CFX handle. */
  source: string;
  target?: string | null;
  requestId?: string | null;
  /** @default a random lower-case GUID */
  uniqueId?: string;
  /** ISO 8601 text with an offset. @default now, in UTC */
  timeStamp?: string;
  /** @default '2.1' */
  version?: string;
}

/** Builds an envelope object in the SDK's JSON form (PascalCase, nulls emitted, `$type` first in the body). */
export function createEnvelope(input: CreateEnvelopeInput): JsonObject {
  const { messageName } = normalizeMessageName(input.messageName);
  const body: JsonObject = field(input.body, '$type') === undefined ? { $type: `${messageName}, CFX`, ...input.body } : input.body;
  return {
    MessageName: messageName,
    Version: input.version ?? '2.1',
    TimeStamp: input.timeStamp ?? new Date().toISOString(),
    UniqueID: input.uniqueId ?? randomUUID(),
    Source: input.source,
    Target: input.target ?? null,
    RequestID: input.requestId ?? null,
    MessageBody: body,
  };
}
