/**
 * The `vte:` section of the config file, as users write it. `resolveVteConfig()` applies
 * defaults and env and turns it into the frozen `VteConfig`.
 */
import { z } from 'zod';
import { configJsonSchema } from '@tswats/station';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const processCode = z.number().int().min(0);

/** WATS statuses a VTE result code can map to (runs: P F E T; steps also S D). */
export const RUN_STATUSES = ['P', 'F', 'E', 'T'] as const;
export const STEP_STATUSES = ['P', 'F', 'E', 'T', 'S', 'D'] as const;

const duration = (what: string) =>
  z
    .union([z.number().int().min(0), z.string().regex(/^\s*\d+(?:\.\d+)?\s*(?:ms|s|m|h|d|w)\s*$/, 'expected a duration like 500ms, 30s, 5m, 1h or 7d')])
    .describe(`${what} A number is milliseconds.`);

const codeKey = z.string().regex(/^-?\d+$/, 'expected an integer result code');

export const vteDatabaseSchema = z
  .strictObject({
    dialect: z.enum(['mssql', 'postgres']).describe("'mssql' (production: VTE on SQL Server) or 'postgres' (tests). Default 'mssql'."),
    connectionString: nonEmpty.describe('ADO.NET (Server=host,1433;Database=...;User Id=...) or URL (mssql://, postgres://) form; the fields below override it. Env TSWATS_VTE_DB_URL.'),
    host: nonEmpty.describe('Server host name or address.'),
    port: z.number().int().min(1).max(65535).describe('TCP port. Default 1433 (SQL Server), 5432 (PostgreSQL).'),
    instanceName: nonEmpty.describe('SQL Server named instance (resolved through SQL Browser, UDP 1434); instead of a port.'),
    database: nonEmpty.describe("Database name, e.g. 'VTE9_3'."),
    user: nonEmpty.describe('Login (use the read-only login from sql/create-readonly-login.sql).'),
    password: z.string().describe('Password; prefer passwordFile or env TSWATS_VTE_DB_PASSWORD.'),
    passwordFile: nonEmpty.describe('File whose first line is the password (relative to the config file).'),
    domain: nonEmpty.describe('Windows domain: authenticates user/password with NTLM (Windows-style auth) instead of SQL auth.'),
    encrypt: z.boolean().describe('TLS to SQL Server. Default true.'),
    trustServerCertificate: z.boolean().describe('Accept a self-signed server certificate. Default false.'),
    connectTimeoutMs: z.number().int().min(1).describe('Default 15000.'),
    requestTimeoutMs: z.number().int().min(1).describe('Per query. Default 60000.'),
    poolMax: z.number().int().min(1).max(32).describe('Connections at most. Default 2 (keep the load on the production database low).'),
  })
  .partial();

export const vteOptionsSchema = z
  .strictObject({
    database: vteDatabaseSchema,
    timeZone: nonEmpty.describe("IANA zone of VTE's local timestamps, e.g. 'Europe/Oslo'. Default: the machine's."),
    processCode: z
      .strictObject({
        default: processCode.describe('WATS process (test operation) code of runs whose testplan has no entry in byTestplan. Required.'),
        byTestplan: z.record(z.string(), processCode).optional().describe('Process code by testplan name (exact, case-sensitive).'),
        repair: processCode.optional().describe('WATS repair operation code of UUR reports. Default 500.'),
      })
      .describe('WATS process codes.'),
    station: z
      .strictObject({
        name: nonEmpty.max(100).describe('Station name when a run has no test system name or host name. Default: the test system GUID.'),
        location: nonEmpty.max(100).describe("Location when a run has no site. Default 'unknown'."),
        purpose: nonEmpty.max(100).describe("Default 'Production'."),
      })
      .partial(),
    revision: nonEmpty.max(100).optional().describe("Product revision when the product has no version. Default '1'."),
    missingSerial: z.enum(['error', 'indexGuid']).optional().describe("A run without a serial number: 'error' (dead letter, the default) or 'indexGuid' (use the run's GUID)."),
    results: z
      .strictObject({
        run: z.record(codeKey, z.enum(RUN_STATUSES)).optional().describe('IndexData.Result code → report result. Replaces the defaults.'),
        step: z.record(codeKey, z.enum(STEP_STATUSES)).optional().describe('TestResultType code → step status. Replaces the defaults.'),
      })
      .partial(),
    steps: z
      .strictObject({
        prefixTestNumber: z.boolean().describe('Step name = "<TestNumber> <TestName>". Default false.'),
      })
      .partial(),
    repairs: z.strictObject({ enabled: z.boolean().describe('Read repairs (RepairData ...) and send UURs. Default true.') }).partial(),
    batchSize: z.number().int().min(1).max(10_000).optional().describe('Runs per batch. Default 500.'),
    stepChunkSize: z.number().int().min(1).max(2000).optional().describe('GUIDs per IN list (SQL Server allows 2100 parameters). Default 1000.'),
    server: z
      .strictObject({
        url: nonEmpty.describe('WATS server URL, e.g. https://acme.wats.com. Env WATS_BASE_URL wins.'),
        token: nonEmpty.describe('WATS API token (Basic auth token); prefer tokenFile or env WATS_AUTH_TOKEN.'),
        tokenFile: nonEmpty.describe('File whose first line is the token (relative to the config file).'),
        timeout: duration('Per-request timeout. Default 60s.'),
      })
      .partial()
      .describe('The WATS server the sync uploads to.'),
    stateDir: nonEmpty.optional().describe("State directory: watermarks, ledgers, dead letters, lock (relative to the config file). Default './vte-state'."),
    startAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?$/, 'expected a local VTE time such as 2026-01-01T00:00:00')
      .optional()
      .describe('Local VTE time where the first pass starts (nothing before it is read in normal passes). Default 1970-01-01T00:00:00 (everything).'),
    guardBand: duration('Each pass re-reads this far behind the watermark (late commits). Default 10m.').optional(),
    settle: duration('Runs younger than this are left for the next pass. Default 30s.').optional(),
    uploadConcurrency: z.number().int().min(1).max(64).optional().describe('Uploads in flight at once. Default 4.'),
    interval: duration('Time between passes of `tswats vte run`. Default 5m.').optional(),
    connectivityInterval: duration('How often the service checks the database and WATS between passes. Default 1m.').optional(),
    http: z
      .strictObject({
        enabled: z.boolean().describe('Status server of `tswats vte run`. Default true.'),
        host: nonEmpty.describe("Listen address. Default 127.0.0.1; any other address needs a token."),
        port: z.number().int().min(0).max(65535).describe('0 = any free port. Default 8392.'),
        token: nonEmpty.describe('Bearer token of every route except /health/live; env TSWATS_VTE_HTTP_TOKEN wins.'),
      })
      .partial(),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).describe("Default 'info'."),
        file: nonEmpty.describe('Log file (relative to the config file); default stdout.'),
      })
      .partial(),
    alert: z
      .strictObject({
        smtp: z
          .strictObject({
            host: nonEmpty.describe('SMTP server.'),
            port: z.number().int().min(1).max(65535).optional().describe('Default 587 (465 when secure).'),
            secure: z.boolean().optional().describe('TLS from the start (port 465). Default false (STARTTLS when offered).'),
            user: nonEmpty.optional(),
            passwordFile: nonEmpty.optional().describe('File whose first line is the SMTP password (relative to the config file); env TSWATS_VTE_SMTP_PASSWORD wins.'),
          })
          .describe('The mail server.'),
        from: nonEmpty.describe('Sender address.'),
        to: z.array(nonEmpty).min(1).describe('Recipients.'),
        noProgressAfter: duration('Alert when no pass has completed without stopping for this long. Default 1h.').optional(),
        errorThreshold: z.number().int().min(1).optional().describe('Alert when this many errors (dead letters, stopped passes, failed checks) happened since the last alert. Default 10.'),
        minInterval: duration('At most one alert per this time. Default 1h.').optional(),
      })
      .describe('E-mail alerts of the service.'),
    mapping: z
      .strictObject({
        schema: nonEmpty.optional(),
        tables: z.record(z.string(), nonEmpty).optional(),
        columns: z.record(z.string(), z.record(z.string(), nonEmpty.nullable())).optional(),
      })
      .describe('Physical table/column names where they differ from VTE 9.31 (see docs/vte.md).'),
  })
  .partial();

/** The `vte:` config section as written. */
export type VteOptions = z.input<typeof vteOptionsSchema>;
/** The `vte.database` part as written. */
export type VteDatabaseOptions = z.input<typeof vteDatabaseSchema>;

/** The published JSON Schema of the `vte:` section (`schema/vte-config.schema.json` is this, committed). */
export function vteConfigJsonSchema(): Record<string, unknown> {
  return configJsonSchema(vteOptionsSchema, 'vte-config.schema.json', 'tswats VTE sync configuration');
}
