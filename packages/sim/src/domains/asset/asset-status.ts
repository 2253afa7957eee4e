import type { AssetDomainState, AssetRecord, AssetTypeRecord } from './asset-state.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How an asset type's calibration or maintenance interval is used (pyWATS's `IntervalMode`). */
export type IntervalMode = 'days' | 'unlimited' | 'external' | 'none';

/** An interval in days; -1 = unlimited (never due), -2 = managed by an external system (WATS 25.3). */
export function intervalMode(interval: number | undefined): IntervalMode {
  if (interval === undefined) return 'none';
  if (interval === -2) return 'external';
  if (interval === -1) return 'unlimited';
  return interval > 0 ? 'days' : 'none';
}

export type ServiceKind = 'calibration' | 'maintenance';

const FIELDS = {
  calibration: { last: 'lastCalibrationDate', next: 'nextCalibrationDate', interval: 'calibrationInterval' },
  maintenance: { last: 'lastMaintenanceDate', next: 'nextMaintenanceDate', interval: 'maintenanceInterval' },
} as const;

/**
 * Recomputes the next calibration or maintenance date from the type's interval: the last one
 * (or, before the first, the date the asset was registered) plus the interval. Unlimited or no
 * interval: never due. External: the date an external system gave is kept.
 */
export function applyInterval(asset: AssetRecord, type: AssetTypeRecord | undefined, kind: ServiceKind): void {
  const f = FIELDS[kind];
  const interval = type?.[f.interval];
  const mode = intervalMode(interval);
  if (mode === 'external') return;
  if (mode !== 'days') {
    delete asset[f.next];
    return;
  }
  const base = Date.parse(asset[f.last] ?? asset.firstSeenDate);
  asset[f.next] = new Date(base + interval! * DAY_MS).toISOString();
}

/** Records a calibration or maintenance done at `date`, and when the next one is due. */
export function recordService(asset: AssetRecord, type: AssetTypeRecord | undefined, kind: ServiceKind, date: Date): void {
  asset[FIELDS[kind].last] = date.toISOString();
  applyInterval(asset, type, kind);
}

/** Records a calibration or maintenance whose window an external system decides. */
export function recordExternalService(asset: AssetRecord, kind: ServiceKind, from: Date, to: Date | undefined): void {
  const f = FIELDS[kind];
  asset[f.last] = from.toISOString();
  if (to) asset[f.next] = to.toISOString();
  else delete asset[f.next];
}

export function serviceInterval(type: AssetTypeRecord | undefined, kind: ServiceKind): number | undefined {
  return type?.[FIELDS[kind].interval];
}

/** 0 OK, 1 warning, 2 alarm (pyWATS's `AssetAlarmState`). */
export type AlarmState = 0 | 1 | 2;

export interface StatusReason {
  check: 'runningCount' | 'totalCount' | ServiceKind;
  alarmState: AlarmState;
  /** How much of the limit or interval is used up, in percent (one decimal). */
  percent: number;
  message: string;
}

/** The simulator's answer to `GET /api/Asset/Status` (the spec says only "object"). */
export interface AssetStatus {
  assetId: string;
  serialNumber: string;
  typeId: string;
  typeName?: string;
  state: number;
  alarmState: AlarmState;
  message: string;
  runningCount: number;
  runningCountLimit?: number;
  totalCount: number;
  totalCountLimit?: number;
  nextCalibrationDate?: string;
  nextMaintenanceDate?: string;
  reasons: StatusReason[];
}

/** Defaults when a type sets no thresholds: warn at 80 % of a limit or interval, alarm at 100 %. */
export const DEFAULT_WARNING_THRESHOLD = 80;
export const DEFAULT_ALARM_THRESHOLD = 100;

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function level(percent: number, type: AssetTypeRecord | undefined): AlarmState {
  const alarmAt = type?.alarmThreshold ?? DEFAULT_ALARM_THRESHOLD;
  const warnAt = type?.warningThreshold ?? DEFAULT_WARNING_THRESHOLD;
  if (percent >= alarmAt) return 2;
  return percent >= warnAt ? 1 : 0;
}

const WORDS = ['OK', 'warning', 'alarm'] as const;

function countReason(check: 'runningCount' | 'totalCount', value: number, limit: number | undefined, type: AssetTypeRecord | undefined): StatusReason | undefined {
  if (limit === undefined || limit <= 0) return undefined;
  const percent = round1((value / limit) * 100);
  const alarmState = level(percent, type);
  if (alarmState === 0) return undefined;
  const name = check === 'runningCount' ? 'Running count' : 'Total count';
  return { check, alarmState, percent, message: `${name} ${value} is ${percent}% of the limit ${limit} (${WORDS[alarmState]})` };
}

function dateReason(asset: AssetRecord, type: AssetTypeRecord | undefined, kind: ServiceKind, now: number): StatusReason | undefined {
  const f = FIELDS[kind];
  const next = asset[f.next];
  if (next === undefined) return undefined;
  const due = Date.parse(next);
  const start = Date.parse(asset[f.last] ?? asset.firstSeenDate);
  const percent = due > start ? round1(((now - start) / (due - start)) * 100) : now >= due ? 100 : 0;
  const alarmState = now >= due ? 2 : level(Math.min(percent, 99.9), type);
  if (alarmState === 0) return undefined;
  const name = kind === 'calibration' ? 'Calibration' : 'Maintenance';
  const message = now >= due ? `${name} was due ${next} (alarm)` : `${name} is due ${next}; ${percent}% of the interval has passed (${WORDS[alarmState]})`;
  return { check: kind, alarmState, percent, message };
}

/**
 * Alarm and warning state computed from the asset's counts against its type's limits and from
 * its calibration and maintenance due dates, each compared with the type's thresholds (percent
 * of the limit or interval used). An overdue date is always an alarm.
 */
export function assetStatus(state: AssetDomainState, asset: AssetRecord, now = Date.now()): AssetStatus {
  const type = state.types[asset.typeId];
  const reasons = [
    countReason('runningCount', asset.runningCount, type?.runningCountLimit, type),
    countReason('totalCount', asset.totalCount, type?.totalCountLimit, type),
    dateReason(asset, type, 'calibration', now),
    dateReason(asset, type, 'maintenance', now),
  ].filter((r): r is StatusReason => r !== undefined);
  const alarmState = reasons.reduce<AlarmState>((worst, r) => (r.alarmState > worst ? r.alarmState : worst), 0);
  const status: AssetStatus = {
    assetId: asset.assetId,
    serialNumber: asset.serialNumber,
    typeId: asset.typeId,
    state: asset.state,
    alarmState,
    message: reasons.length === 0 ? 'OK' : reasons.map((r) => r.message).join('; '),
    runningCount: asset.runningCount,
    totalCount: asset.totalCount,
    reasons,
  };
  if (type?.typeName !== undefined) status.typeName = type.typeName;
  if (type?.runningCountLimit !== undefined) status.runningCountLimit = type.runningCountLimit;
  if (type?.totalCountLimit !== undefined) status.totalCountLimit = type.totalCountLimit;
  if (asset.nextCalibrationDate !== undefined) status.nextCalibrationDate = asset.nextCalibrationDate;
  if (asset.nextMaintenanceDate !== undefined) status.nextMaintenanceDate = asset.nextMaintenanceDate;
  return status;
}
