/**
 * Resolves the `vte:` config section once: defaults < config section < env. Every problem is
 * collected with its path (`database.port: ...`, `mapping.columns.IndexData.Foo: ...`) and
 * reported together in one `VteConfigError`. Only this module reads `process.env`.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { VteConfigError, type VteIssue } from '../errors.js';
import { createVteMapping, type VteMappingOptions } from '../mapping.js';
import { isValidTimeZone, machineTimeZone } from '../time-zone.js';
import { isLoopback, parseDuration } from '@tswats/station';
import { parseConnectionString, type ConnectionFields } from './connection-string.js';
import { vteOptionsSchema, type VteOptions } from './schema.js';
import type { VteAlertConfig, VteConfig, VteDatabaseConfig, VteRunStatus, VteStepStatus } from './types.js';

/**
 * Default result-code tables. VTE's codes are undocumented: these are our assumption (0 = pass,
 * 1 = fail, 2 = error, 3 = aborted, ...) and must be checked against a site's data; override
 * them with `results.run` / `results.step`.
 */
export const DEFAULT_RUN_RESULTS: Readonly<Record<string, VteRunStatus>> = Object.freeze({ '0': 'P', '1': 'F', '2': 'E', '3': 'T' });
export const DEFAULT_STEP_RESULTS: Readonly<Record<string, VteStepStatus>> = Object.freeze({ '0': 'P', '1': 'F', '2': 'E', '3': 'T', '4': 'S', '5': 'D' });

export interface ResolveVteConfigOptions {
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** Folder relative paths (passwordFile) are resolved against: the config file's. @default process.cwd() */
  baseDir?: string;
  /** Named in the error message, e.g. the config file path. */
  source?: string;
  /** A missing WATS server URL is an issue (sync and service). @default false */
  requireServer?: boolean;
}

export interface ResolvedVteConfig {
  config: VteConfig;
  /** Things that work but deserve attention. */
  warnings: string[];
}

/** Validates the `vte:` section (any JSON/YAML value) and applies defaults and env; throws `VteConfigError`. */
export async function resolveVteConfig(raw: unknown, options: ResolveVteConfigOptions = {}): Promise<ResolvedVteConfig> {
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? process.cwd();
  const issues: VteIssue[] = [];
  const warnings: string[] = [];

  const parsed = vteOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    collectZodIssues(parsed.error.issues, issues);
    throw new VteConfigError(issues, options.source);
  }
  const o: VteOptions = parsed.data;
  const dialect = o.database?.dialect ?? 'mssql';

  const database = await resolveDatabase(o, env, baseDir, issues, warnings);

  const timeZone = o.timeZone ?? machineTimeZone();
  if (!isValidTimeZone(timeZone)) issues.push({ path: 'timeZone', message: `unknown time zone "${timeZone}" (use an IANA name such as Europe/Oslo)` });
  if (o.timeZone === undefined) warnings.push(`timeZone not set: VTE timestamps are read as ${timeZone} (the machine's zone); set timeZone to the site's zone`);

  if (o.processCode === undefined) issues.push({ path: 'processCode.default', message: 'not set: give the WATS process (test operation) code for VTE runs' });

  const { mapping, issues: mappingIssues } = createVteMapping((o.mapping ?? {}) as VteMappingOptions, dialect);
  issues.push(...mappingIssues);

  const stepChunkSize = o.stepChunkSize ?? 1000;
  const service = await resolveService(o, env, baseDir, issues, options.requireServer ?? false);

  if (issues.length > 0) throw new VteConfigError(issues, options.source);

  const config: VteConfig = {
    database,
    timeZone,
    processCode: Object.freeze({
      default: o.processCode!.default,
      byTestplan: Object.freeze({ ...(o.processCode!.byTestplan ?? {}) }),
      repair: o.processCode!.repair ?? 500,
    }),
    station: Object.freeze({ name: o.station?.name, location: o.station?.location ?? 'unknown', purpose: o.station?.purpose ?? 'Production' }),
    revision: o.revision ?? '1',
    missingSerial: o.missingSerial ?? 'error',
    results: Object.freeze({
      run: Object.freeze({ ...(o.results?.run ?? DEFAULT_RUN_RESULTS) }),
      step: Object.freeze({ ...(o.results?.step ?? DEFAULT_STEP_RESULTS) }),
    }),
    steps: Object.freeze({ prefixTestNumber: o.steps?.prefixTestNumber ?? false }),
    repairs: Object.freeze({ enabled: o.repairs?.enabled ?? true }),
    batchSize: o.batchSize ?? 500,
    stepChunkSize,
    mapping,
    ...service,
  };
  return { config: Object.freeze(config), warnings };
}

async function resolveDatabase(
  o: VteOptions,
  env: Record<string, string | undefined>,
  baseDir: string,
  issues: VteIssue[],
  warnings: string[],
): Promise<VteDatabaseConfig> {
  const d = o.database ?? {};
  const dialect = d.dialect ?? 'mssql';
  const envUrl = env.TSWATS_VTE_DB_URL?.trim();
  const connectionString = envUrl || d.connectionString;
  const connPath = envUrl ? 'env TSWATS_VTE_DB_URL' : 'database.connectionString';
  let fromString: ConnectionFields = {};
  if (connectionString) {
    const { fields, problems } = parseConnectionString(connectionString);
    for (const message of problems) issues.push({ path: connPath, message });
    fromString = fields;
  }
  let password = d.password ?? fromString.password;
  if (d.password !== undefined && d.passwordFile !== undefined) issues.push({ path: 'database.passwordFile', message: 'give either password or passwordFile, not both' });
  if (d.password === undefined && d.passwordFile !== undefined) {
    const file = isAbsolute(d.passwordFile) ? d.passwordFile : resolve(baseDir, d.passwordFile);
    try {
      password = (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
      if (!password) issues.push({ path: 'database.passwordFile', message: `${file} is empty` });
    } catch (err) {
      issues.push({ path: 'database.passwordFile', message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    }
  }
  const envPassword = env.TSWATS_VTE_DB_PASSWORD;
  if (envPassword !== undefined && envPassword !== '') password = envPassword;
  if (d.password !== undefined && envPassword === undefined) warnings.push('database.password is written in the config file; prefer database.passwordFile or env TSWATS_VTE_DB_PASSWORD');

  const host = d.host ?? fromString.host;
  const database = d.database ?? fromString.database;
  if (!host) issues.push({ path: 'database.host', message: 'not set (or give database.connectionString / env TSWATS_VTE_DB_URL)' });
  if (!database) issues.push({ path: 'database.database', message: 'not set (the VTE database name, e.g. VTE9_3)' });
  const domain = d.domain ?? fromString.domain;
  const user = d.user ?? fromString.user;
  if (domain !== undefined && dialect !== 'mssql') issues.push({ path: 'database.domain', message: 'Windows (NTLM) authentication exists only for dialect mssql' });
  if (domain !== undefined && (user === undefined || password === undefined)) {
    issues.push({ path: 'database.user', message: 'NTLM authentication (database.domain) needs user and password' });
  }
  if (dialect === 'mssql' && user === undefined) issues.push({ path: 'database.user', message: 'not set (the read-only VTE login)' });
  const instanceName = d.instanceName ?? fromString.instanceName;
  if (instanceName !== undefined && d.port !== undefined) issues.push({ path: 'database.instanceName', message: 'give either port or instanceName, not both' });
  const encrypt = d.encrypt ?? fromString.encrypt ?? true;
  const trustServerCertificate = d.trustServerCertificate ?? fromString.trustServerCertificate ?? false;
  if (dialect === 'mssql' && !encrypt) warnings.push('database.encrypt is false: the VTE login and data cross the network unencrypted');
  return Object.freeze({
    dialect,
    host: host ?? '',
    port: d.port ?? fromString.port ?? (dialect === 'mssql' ? 1433 : 5432),
    instanceName,
    database: database ?? '',
    user,
    password,
    domain,
    encrypt,
    trustServerCertificate,
    connectTimeoutMs: d.connectTimeoutMs ?? 15_000,
    requestTimeoutMs: d.requestTimeoutMs ?? 60_000,
    poolMax: d.poolMax ?? 2,
  });
}

async function readFirstLine(file: string, baseDir: string, path: string, issues: VteIssue[]): Promise<string | undefined> {
  const abs = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    const line = (await readFile(abs, 'utf8')).split(/\r?\n/)[0]?.trim() ?? '';
    if (!line) issues.push({ path, message: `${abs} is empty` });
    return line || undefined;
  } catch (err) {
    issues.push({ path, message: `cannot read ${abs}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return undefined;
  }
}

type ServiceParts = Pick<VteConfig, 'server' | 'sync' | 'http' | 'log' | 'alert'>;

async function resolveService(
  o: VteOptions,
  env: Record<string, string | undefined>,
  baseDir: string,
  issues: VteIssue[],
  requireServer: boolean,
): Promise<ServiceParts> {
  const ms = (v: string | number | undefined, fallback: number): number => (v === undefined ? fallback : (parseDuration(v) ?? fallback));
  const s = o.server ?? {};
  const baseUrl = (env.WATS_BASE_URL?.trim() || s.url || '').replace(/\/+$/, '');
  if (baseUrl) {
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') issues.push({ path: 'server.url', message: `expected an http(s) URL, got ${u.protocol}` });
    } catch {
      issues.push({ path: 'server.url', message: `not a URL: ${JSON.stringify(baseUrl)}` });
    }
  } else if (requireServer) {
    issues.push({ path: 'server.url', message: 'not set (or env WATS_BASE_URL)' });
  }
  if (s.token !== undefined && s.tokenFile !== undefined) issues.push({ path: 'server.tokenFile', message: 'give either token or tokenFile, not both' });
  let token = s.token;
  if (s.token === undefined && s.tokenFile !== undefined) token = await readFirstLine(s.tokenFile, baseDir, 'server.tokenFile', issues);
  if (env.WATS_AUTH_TOKEN) token = env.WATS_AUTH_TOKEN;

  const h = o.http ?? {};
  const httpHost = h.host ?? '127.0.0.1';
  const httpToken = env.TSWATS_VTE_HTTP_TOKEN || h.token;
  if ((h.enabled ?? true) && !isLoopback(httpHost) && !httpToken) {
    issues.push({ path: 'http.token', message: `the status server would listen on ${httpHost} (not loopback) without a token: set http.token or listen on 127.0.0.1` });
  }

  let alert: VteAlertConfig | undefined;
  if (o.alert) {
    const a = o.alert;
    let password = a.smtp.passwordFile !== undefined ? await readFirstLine(a.smtp.passwordFile, baseDir, 'alert.smtp.passwordFile', issues) : undefined;
    if (env.TSWATS_VTE_SMTP_PASSWORD) password = env.TSWATS_VTE_SMTP_PASSWORD;
    const secure = a.smtp.secure ?? false;
    alert = Object.freeze({
      smtp: Object.freeze({ host: a.smtp.host, port: a.smtp.port ?? (secure ? 465 : 587), secure, user: a.smtp.user, password }),
      from: a.from,
      to: Object.freeze([...a.to]),
      noProgressAfterMs: ms(a.noProgressAfter, 3_600_000),
      errorThreshold: a.errorThreshold ?? 10,
      minIntervalMs: ms(a.minInterval, 3_600_000),
    });
  }
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    server: Object.freeze({ baseUrl, token, timeoutMs: ms(s.timeout, 60_000) }),
    sync: Object.freeze({
      stateDir: abs(o.stateDir ?? 'vte-state'),
      startAt: normalizeLocal(o.startAt ?? '1970-01-01T00:00:00'),
      guardBandMs: ms(o.guardBand, 600_000),
      settleMs: ms(o.settle, 30_000),
      uploadConcurrency: o.uploadConcurrency ?? 4,
      intervalMs: Math.max(1, ms(o.interval, 300_000)),
      connectivityIntervalMs: Math.max(1, ms(o.connectivityInterval, 60_000)),
    }),
    http: Object.freeze({ enabled: h.enabled ?? true, host: httpHost, port: h.port ?? 8392, token: httpToken }),
    log: Object.freeze({ level: o.log?.level ?? 'info', file: o.log?.file === undefined ? undefined : abs(o.log.file) }),
    alert,
  };
}

/** One line describing the connection, safe to log (no password). */
export function describeVteDatabase(db: VteDatabaseConfig): string {
  const where = db.instanceName ? `${db.host}\\${db.instanceName}` : `${db.host}:${db.port}`;
  const auth = db.domain ? `NTLM ${db.domain}\\${db.user ?? ''}` : db.user ? `user ${db.user}` : 'no user';
  return `${db.dialect} ${where}/${db.database} (${auth}${db.dialect === 'mssql' ? `, encrypt ${db.encrypt}` : ''})`;
}

function collectZodIssues(zodIssues: readonly z.core.$ZodIssue[], issues: VteIssue[]): void {
  for (const issue of zodIssues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: formatPath([...issue.path, key]), message: `unknown key ${JSON.stringify(key)}` });
    } else {
      issues.push({ path: formatPath(issue.path) || '(root)', message: issue.message });
    }
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** `2026-01-01` / `2026-01-01 06:00` → `2026-01-01T06:00:00` (local VTE text). */
function normalizeLocal(text: string): string {
  let t = text.trim().replace(' ', 'T');
  if (t.length === 10) t += 'T00:00:00';
  else if (t.length === 16) t += ':00';
  return t;
}
