import { SimError } from './errors.js';
import type { FaultOptions } from './faults/fault-options.js';

/** Options of `startSim` and `buildSimServer`. Every field is optional. */
export interface SimOptions {
  /** TCP port to listen on; 0 picks a free one. Default 0 (the CLI defaults to its own port). */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  host?: string;
  /**
   * Directory to persist reports in (created if missing): one crash-safe file per report, loaded
   * again on start. Default: none, everything stays in memory and is lost on close.
   */
  dataDir?: string;
  /**
   * When set, every `/api` request must send `Authorization: Basic <token>` exactly, else it gets
   * 401. Default: none, every request is accepted. The `/_sim` admin routes never need it.
   */
  token?: string;
  /** Faults active from the start; change them later through `handle.faults` or `/_sim/faults`. */
  faults?: FaultOptions;
  /** Fastify/pino logger: `true` or pino options. Default `false` (quiet). */
  logger?: boolean | Record<string, unknown>;
  /**
   * Check every `/api` request and response against the OpenAPI document and record
   * differences (see `contractViolations()`). Default `false`; tests should turn it on.
   */
  checkContract?: boolean;
  /** Seed for the error-rate random generator, for reproducible runs. Default: unseeded. */
  seed?: number;
  /**
   * Append one JSON line per handled `/api` call that carries an `x-tswats-test` header
   * (`{"op": "GET /api/...", "status": 200, "test": "..."}`) to this file. The SDK's test helpers
   * send the header; `npm run api-coverage` reads the file. Default: none.
   */
  coverageFile?: string;
  /** Largest request body accepted, in bytes. Default 134217728 (128 MiB); larger bodies get 413. */
  bodyLimit?: number;
}

/** The fully defaulted form of `SimOptions`. */
export interface SimConfig {
  port: number;
  host: string;
  dataDir: string | undefined;
  token: string | undefined;
  faults: FaultOptions | undefined;
  logger: boolean | Record<string, unknown>;
  checkContract: boolean;
  seed: number | undefined;
  bodyLimit: number;
  coverageFile: string | undefined;
}

export const DEFAULT_BODY_LIMIT = 128 * 1024 * 1024;

/** Applies defaults and checks the options; throws `SimError` (`SIM_ERR_INVALID_OPTIONS`). */
export function resolveSimConfig(options: SimOptions = {}): SimConfig {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SimError('SIM_ERR_INVALID_OPTIONS', `port: must be an integer 0-65535, got ${String(options.port)}`);
  }
  if (options.bodyLimit !== undefined && (!Number.isInteger(options.bodyLimit) || options.bodyLimit <= 0)) {
    throw new SimError('SIM_ERR_INVALID_OPTIONS', 'bodyLimit: must be a positive integer (bytes)');
  }
  if (options.token !== undefined && options.token === '') {
    throw new SimError('SIM_ERR_INVALID_OPTIONS', 'token: must not be empty (leave it out to accept any request)');
  }
  return Object.freeze({
    port,
    host: options.host ?? '127.0.0.1',
    dataDir: options.dataDir,
    token: options.token,
    faults: options.faults,
    logger: options.logger ?? false,
    checkContract: options.checkContract ?? false,
    seed: options.seed,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    coverageFile: options.coverageFile,
  });
}
