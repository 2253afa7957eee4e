/**
 * The `vte:` section of the config file, as users write it. `resolveVteConfig()` applies
 * defaults and env and turns it into the frozen `VteConfig`.
 */
import { z } from 'zod';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const processCode = z.number().int().min(0);

/** WATS statuses a VTE result code can map to (runs: P F E T; steps also S D). */
export const RUN_STATUSES = ['P', 'F', 'E', 'T'] as const;
export const STEP_STATUSES = ['P', 'F', 'E', 'T', 'S', 'D'] as const;

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
