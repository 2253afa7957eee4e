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
}
