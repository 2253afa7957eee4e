/** Pieces shared by the UUT and UUR mappers: header fields, time zone, clipping, validation. */
import { ReportValidationError, validateReport, type WsjfReport } from '@tswats/sdk';
import type { VteConfig } from '../config/types.js';
import type { VteRunHeader } from '../db/types.js';
import { VteMappingError, type VteRecordKind } from '../errors.js';
import { parseWallTime, wallTimeToInstant } from '../time-zone.js';

/** What the mappers need from the config (a full `VteConfig` will do). */
export type VteMapConfig = Pick<VteConfig, 'timeZone' | 'processCode' | 'station' | 'revision' | 'missingSerial' | 'results' | 'steps'>;

/** Identifies the record being mapped, for errors. */
export interface RecordRef {
  kind: VteRecordKind;
  indexGuid: string;
  repairGuid?: string;
}

export function fail(ref: RecordRef, field: string, message: string, cause?: unknown): never {
  throw new VteMappingError({ ...ref, field, message, cause });
}

/** Cuts `text` to `max` UTF-16 units (WSJF field limits); trims whitespace. */
export function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length <= max ? t : t.slice(0, max);
}

export function nonEmpty(v: string | null | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** A VTE local timestamp → instant + the zone's real offset then. */
export function localInstant(ref: RecordRef, field: string, text: string, zone: string): { date: Date; offsetMinutes: number } {
  const wall = parseWallTime(text);
  if (!wall) fail(ref, field, `not a timestamp: ${JSON.stringify(text)}`);
  return wallTimeToInstant(wall.wallMs, zone);
}

/** The header fields a run gives both report types. */
export interface RunIdentity {
  partNumber: string;
  serialNumber: string;
  revision: string;
  processCode: number;
  stationName: string;
  location: string;
}

export function runIdentity(ref: RecordRef, run: VteRunHeader, config: VteMapConfig): RunIdentity {
  let serial = nonEmpty(run.serial);
  if (serial === undefined) {
    if (config.missingSerial === 'indexGuid') serial = run.indexGuid;
    else fail(ref, 'UutData.Serial', 'the run has no serial number (set missingSerial: indexGuid to use the run GUID instead)');
  }
  const pn = nonEmpty(run.productName);
  if (pn === undefined) fail(ref, 'IndexData.ProductName', 'the run has no product name (neither on the run nor in Products)');
  const station = nonEmpty(run.testsystemName) ?? nonEmpty(run.hostname) ?? config.station.name;
  if (station === undefined) fail(ref, 'IndexData.Hostname', 'the run has no test system name or host name (set station.name as a fallback)');
  const plan = nonEmpty(run.testplanName);
  return {
    partNumber: clip(pn, 100),
    serialNumber: clip(serial, 100),
    revision: clip(nonEmpty(run.productVersion) ?? config.revision, 100),
    processCode: (plan !== undefined ? config.processCode.byTestplan[plan] : undefined) ?? config.processCode.default,
    stationName: clip(station, 100),
    location: clip(nonEmpty(run.site) ?? config.station.location, 100),
  };
}

/** Strict SDK validation; a failure becomes a `VteMappingError` naming the first bad path. */
export function validated<R extends WsjfReport>(ref: RecordRef, report: R): R {
  try {
    validateReport(report);
  } catch (err) {
    if (err instanceof ReportValidationError) {
      const first = err.issues[0];
      fail(ref, first?.path || 'report', `${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, err);
    }
    throw err;
  }
  return report;
}
