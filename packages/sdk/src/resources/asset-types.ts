import type { components } from '../generated/wats-api.js';
import type { Filter } from '../odata/filter.js';

// Types and constants of the asset resource (`client.asset`, resources/asset.ts).

type Schemas = components['schemas'];
const NS = 'Virinco.WATS.Web.Dashboard.Models.Mes.Asset';

/** One asset as `GET /api/Asset/{assetId}` and `PUT /api/Asset` answer it (the public `Asset` model). */
export type Asset = Schemas[`${typeof NS}.Asset`];
/** What `PUT /api/Asset` takes: `serialNumber` and `typeId` are required. */
export type AssetInput = Schemas[`${typeof NS}.Asset`];
/** One row of the OData asset list (`GET /api/Asset`). */
export type AssetSummary = Schemas[`${typeof NS}.OData.Asset`];
/** An asset type as listed by `GET /api/Asset/Types`. */
export type AssetType = Schemas[`${typeof NS}.OData.AssetType`];
/** What `PUT /api/Asset/Types` takes: `typeName` is required; with `typeId` it updates that type. */
export type AssetTypeInput = Schemas[`${typeof NS}.AssetType`];
/** One asset log record (`GET /api/Asset/Log`). */
export type AssetLogEntry = Schemas[`${typeof NS}.OData.AssetLog`];

/** Asset states (`PUT /api/Asset/State`). */
export const ASSET_STATE = {
  unknown: 0,
  inOperation: 1,
  inTransit: 2,
  inMaintenance: 3,
  inCalibration: 4,
  inStorage: 5,
  scrapped: 6,
} as const;
export type AssetStateValue = (typeof ASSET_STATE)[keyof typeof ASSET_STATE];

/** Asset log types: 0 message, 1 register, 2 update, 3 reset count, 4 calibration, 5 maintenance, 6 state change. */
export const ASSET_LOG_TYPE = {
  message: 0,
  register: 1,
  update: 2,
  resetCount: 3,
  calibration: 4,
  maintenance: 5,
  stateChange: 6,
} as const;

/** `alarmState` in {@link AssetStatus}: 0 OK, 1 warning, 2 alarm. */
export const ASSET_ALARM_STATE = { ok: 0, warning: 1, alarm: 2 } as const;
export type AssetAlarmState = (typeof ASSET_ALARM_STATE)[keyof typeof ASSET_ALARM_STATE];

/**
 * `GET /api/Asset/Status`. The public document types the answer as a bare object; `alarmState`
 * and `message` are the keys WATS clients read. The other fields are what the tswats simulator
 * adds (the counts and limits, due dates and one reason per check), optional here.
 */
export interface AssetStatus {
  alarmState: AssetAlarmState;
  /** Human-readable status (`translate`/`cultureCode` choose the language on a real server). */
  message: string;
  assetId?: string;
  serialNumber?: string;
  typeId?: string;
  typeName?: string;
  state?: AssetStateValue;
  runningCount?: number;
  runningCountLimit?: number;
  totalCount?: number;
  totalCountLimit?: number;
  nextCalibrationDate?: string;
  nextMaintenanceDate?: string;
  reasons?: Array<{ check: string; alarmState: AssetAlarmState; percent: number; message: string }>;
  [key: string]: unknown;
}

/** Names one asset: by `id` (the asset id) or by `serialNumber`. */
export type AssetRef = { id: string; serialNumber?: string } | { id?: string; serialNumber: string };

/** OData options of the three asset lists (`$filter`, `$orderby`, `$top`, `$skip`, `$select`). */
export interface AssetODataParams<T> {
  /** `$filter`: build it with `eq`, `and`, `contains`…, which escape values. */
  filter?: Filter | string;
  /** `$orderby`, e.g. `'firstSeenDate desc'`. Any property of the row can be used. */
  orderBy?: string | string[];
  /** `$top` of the page returned when awaited (max 10000). @default pageSize */
  top?: number;
  /** `$skip`. @default 0 */
  skip?: number;
  /** `$select`. */
  select?: (keyof T & string)[];
  /** Page size when iterating with `for await` (max 10000). @default 1000 (the server's own default) */
  pageSize?: number;
  /** Stop iterating after this many rows. */
  limit?: number;
}

/** A date parameter: a `Date`, or a string any `Date` can parse; sent as UTC ISO 8601. */
export type AssetDateInput = Date | string;

/** Options for {@link AssetResource.recordCalibration} and {@link AssetResource.recordMaintenance}. */
export type AssetServiceParams = AssetRef & {
  /** When it was done. @default now (on the server) */
  dateTime?: AssetDateInput;
  /** Asset log message. */
  comment?: string;
};

/** Options for the WATS 25.3 external calibration/maintenance routes. */
export type AssetExternalServiceParams = AssetRef & {
  /** When it was done; becomes the last date. @default now (on the server) */
  fromDate?: AssetDateInput;
  /** When the next one is due, as the external system decided; becomes the next date. */
  toDate?: AssetDateInput;
  comment?: string;
};

/** Options for {@link AssetResource.incrementCount}: give `incrementBy` or `totalCount`. */
export type AssetCountParams = AssetRef & {
  /** Add this to the running and the total count. */
  incrementBy?: number;
  /** The new total count; the increment is the difference to the current one. */
  totalCount?: number;
  /** Also increment the sub-assets' counts. */
  incrementChildren?: boolean;
  /** Language of the server's messages (e.g. `zh-CN`). */
  cultureCode?: string;
};
