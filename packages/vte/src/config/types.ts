/** The resolved, fully defaulted VTE configuration (frozen; passed down, never re-read). */
import type { VteMapping } from '../mapping.js';

export type VteDialect = 'mssql' | 'postgres';
export type VteRunStatus = 'P' | 'F' | 'E' | 'T';
export type VteStepStatus = 'P' | 'F' | 'E' | 'T' | 'S' | 'D';

export interface VteDatabaseConfig {
  readonly dialect: VteDialect;
  readonly host: string;
  readonly port: number;
  readonly instanceName: string | undefined;
  readonly database: string;
  readonly user: string | undefined;
  /** Secret: never log it (see `describeVteDatabase`). */
  readonly password: string | undefined;
  /** Set: NTLM (Windows-style) authentication; unset: SQL authentication. */
  readonly domain: string | undefined;
  readonly encrypt: boolean;
  readonly trustServerCertificate: boolean;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly poolMax: number;
}

export interface VteConfig {
  readonly database: VteDatabaseConfig;
  /** IANA zone of VTE's local timestamps. */
  readonly timeZone: string;
  readonly processCode: {
    readonly default: number;
    readonly byTestplan: Readonly<Record<string, number>>;
    readonly repair: number;
  };
  readonly station: { readonly name: string | undefined; readonly location: string; readonly purpose: string };
  /** Product revision when a product has no version. */
  readonly revision: string;
  readonly missingSerial: 'error' | 'indexGuid';
  readonly results: {
    readonly run: Readonly<Record<string, VteRunStatus>>;
    readonly step: Readonly<Record<string, VteStepStatus>>;
  };
  readonly steps: { readonly prefixTestNumber: boolean };
  readonly repairs: { readonly enabled: boolean };
  readonly batchSize: number;
  readonly stepChunkSize: number;
  readonly mapping: VteMapping;
  /** The WATS server (`baseUrl` is '' when not configured: `resolveVteConfig({requireServer})` makes it an issue). */
  readonly server: { readonly baseUrl: string; /** Secret. */ readonly token: string | undefined; readonly timeoutMs: number };
  readonly sync: VteSyncSettings;
  readonly http: VteHttpConfig;
  readonly log: { readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; readonly file: string | undefined };
  /** Undefined: no e-mail alerts. */
  readonly alert: VteAlertConfig | undefined;
}

export interface VteSyncSettings {
  /** Absolute path. */
  readonly stateDir: string;
  /** Local VTE text. */
  readonly startAt: string;
  readonly guardBandMs: number;
  readonly settleMs: number;
  readonly uploadConcurrency: number;
  readonly intervalMs: number;
  readonly connectivityIntervalMs: number;
}

export interface VteHttpConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  /** Secret. */
  readonly token: string | undefined;
}

export interface VteAlertConfig {
  readonly smtp: { readonly host: string; readonly port: number; readonly secure: boolean; readonly user: string | undefined; /** Secret. */ readonly password: string | undefined };
  readonly from: string;
  readonly to: readonly string[];
  readonly noProgressAfterMs: number;
  readonly errorThreshold: number;
  readonly minIntervalMs: number;
}
