/**
 * The bridge's config file (YAML or JSON), resolved once: defaults < file < env
 * (`WATS_BASE_URL`, `WATS_AUTH_TOKEN`, `CFX_BROKER_URL`, `CFX_BROKER_PASSWORD`, `TSWATS_LOG`).
 * Every problem is reported with its path in one {@link CfxConfigError}; secrets may come from
 * files; relative paths are relative to the config file.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { configJsonSchema, isLoopback, parseDuration, readConfigDocument, readSecretFile } from '@tswats/station';
import { z } from 'zod';
import { cfxMappingSchema, resolveCfxConfig, type CfxMappingConfig } from '../config.js';
import { CfxConfigError, type CfxConfigIssue } from '../errors.js';
import { parseBrokerUrl, type BrokerSettings } from '../amqp/settings.js';

const duration = z.union([z.string(), z.number().nonnegative()]);

/** The config file's shape. Every field has a default except what names a place. */
export const bridgeOptionsSchema = z.strictObject({
  broker: z
    .strictObject({
      /** `amqp://host:5672` or `amqps://host:5671`, optional `user[:password]@` and `/vhost`. @default amqp://127.0.0.1:5672 */
      url: z.string().optional().describe('amqp://host:5672 or amqps://host:5671, optional user[:password]@ and /vhost. (default: amqp://127.0.0.1:5672)'),
      username: z.string().optional(),
      password: z.string().optional(),
      /** First line of this file is the password. */
      passwordFile: z.string().optional().describe('First line of this file is the password.'),
      vhost: z.string().optional(),
      /** Where CFX messages are consumed: `/queue/cfx-wats` (RabbitMQ 3.x), `/queues/cfx-wats` (4.x)… */
      source: z.string().min(1).default('/queue/cfx-wats').describe('Where CFX messages are consumed: /queue/cfx-wats (RabbitMQ 3.x), /queues/cfx-wats (4.x)…'),
      /**
       * Where unprocessable messages go, with the reason in application properties. `null`:
       * reject them instead (the queue's own dead-letter policy then applies).
       */
      deadLetter: z.string().min(1).nullable().default('/queue/cfx-wats-dead').describe('Where unprocessable messages go, with the reason in application properties. null: reject them instead (the queue\'s own dead-letter policy then applies).'),
      /** Messages in flight (received and not yet settled). @default 100 */
      credit: z.number().int().min(1).max(10_000).default(100).describe('Messages in flight (received and not yet settled). (default: 100)'),
      reconnect: z
        .strictObject({ initialDelay: duration.default('500ms'), maxDelay: duration.default('30s') })
        .prefault({}),
      /** AMQP idle time-out; 0 turns heartbeats off. @default 60s */
      idleTimeout: duration.default('60s'),
      /** Container id shown in the broker's connection list. @default tswats-cfx-<host>-<random> */
      containerId: z.string().min(1).optional().describe('Container id shown in the broker\'s connection list. (default: tswats-cfx-<host>-<random>)'),
      tls: z
        .strictObject({
          caFile: z.string().optional(),
          certFile: z.string().optional(),
          keyFile: z.string().optional(),
          rejectUnauthorized: z.boolean().default(true),
        })
        .optional(),
    })
    .prefault({}),
  wats: z
    .strictObject({
      /** The WATS server. @default env WATS_BASE_URL */
      url: z.string().optional().describe('The WATS server. (default: env WATS_BASE_URL)'),
      token: z.string().optional(),
      tokenFile: z.string().optional(),
      /** Per-request time-out. @default 30s */
      timeout: duration.default('30s'),
      /** WATS calls at once. @default 16 */
      concurrency: z.number().int().min(1).max(256).default(16).describe('WATS calls at once. (default: 16)'),
    })
    .prefault({}),
  /** When WATS is unreachable: first and longest wait between probes. */
  retry: z.strictObject({ initialDelay: duration.default('1s'), maxDelay: duration.default('60s') }).prefault({}).describe('When WATS is unreachable: first and longest wait between probes.'),
  /**
   * Messages whose name this bridge does not map: `accept` (count and drop), `release` (give
   * back to the broker, for a queue shared with another consumer), `dead-letter`.
   */
  unknownMessages: z.enum(['accept', 'release', 'dead-letter']).default('accept').describe('Messages whose name this bridge does not map: accept (count and drop), release (give back to the broker, for a queue shared with another consumer), dead-letter.'),
  /** Part numbers of units from WATS (newest report of the serial number) when no rule gives one. */
  lookup: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** How long a found part number is trusted. */
      ttl: duration.default('1h'),
      /** How long "not in WATS" is trusted. */
      negativeTtl: duration.default('5m'),
      maxEntries: z.number().int().min(1).default(50_000),
    })
    .prefault({}).describe('Part numbers of units from WATS (newest report of the serial number) when no rule gives one.'),
  /**
   * Folder for the effect ledger (which WATS calls of which message are done, so a redelivered
   * message repeats none of them). Without it the ledger lives in memory only.
   */
  dataDir: z.string().optional().describe('Folder for the effect ledger (which WATS calls of which message are done, so a redelivered message repeats none of them). Without it the ledger lives in memory only.'),
  http: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(8089),
      token: z.string().optional(),
      tokenFile: z.string().optional(),
    })
    .prefault({}),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') }).prefault({}),
  /** Time allowed for messages in flight to finish on shutdown before they are released. @default 10s */
  shutdownGrace: duration.default('10s'),
  /** `tswats cfx send`: where to publish and how. */
  send: z
    .strictObject({
      /** `/exchange/cfx` (3.x: routing key = subject), `/exchanges/cfx` (4.x), or a queue. @default /exchange/amq.topic */
      address: z.string().min(1).default('/exchange/amq.topic').describe('/exchange/cfx (3.x: routing key = subject), /exchanges/cfx (4.x), or a queue. (default: /exchange/amq.topic)'),
      gzip: z.boolean().default(false),
    })
    .prefault({}).describe('tswats cfx send: where to publish and how.'),
  /** How CFX messages become WATS data (see docs/cfx.md). */
  mapping: z.unknown().optional().describe('How CFX messages become WATS data (see docs/cfx.md).'),
});

export type BridgeOptions = z.input<typeof bridgeOptionsSchema>;

/**
 * The config file's JSON Schema (draft 2020-12), `mapping` included, for editors and CI checks
 * (`packages/cfx/schema/cfx-bridge-config.schema.json`, `npm run gen:cfx-schema`).
 */
export function bridgeConfigJsonSchema(): Record<string, unknown> {
  const full = bridgeOptionsSchema.extend({ mapping: cfxMappingSchema.optional().describe('How CFX messages become WATS data (see docs/cfx.md).') });
  return configJsonSchema(full, 'cfx-bridge-config.schema.json', 'tswats CFX bridge configuration');
}

/** The resolved bridge config. */
export interface BridgeConfig {
  broker: BrokerSettings & { source: string; deadLetter: string | null; credit: number };
  wats: { url: string | undefined; token: string | undefined; timeoutMs: number; concurrency: number };
  retry: { initialDelayMs: number; maxDelayMs: number };
  unknownMessages: 'accept' | 'release' | 'dead-letter';
  lookup: { enabled: boolean; ttlMs: number; negativeTtlMs: number; maxEntries: number };
  dataDir: string | undefined;
  http: { enabled: boolean; host: string; port: number; token: string | undefined };
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  shutdownGraceMs: number;
  send: { address: string; gzip: boolean };
  mapping: CfxMappingConfig;
}

export interface ResolveBridgeConfigOptions {
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** Relative paths are resolved against it (the config file's folder). @default cwd */
  baseDir?: string;
  /** Named in errors. */
  source?: string;
  /** A missing WATS URL is an issue (the bridge needs one; `cfx send` does not). @default true */
  requireWats?: boolean;
}

export interface ResolvedBridgeConfig {
  config: BridgeConfig;
  warnings: string[];
}

/** Reads a config file (YAML or JSON) and resolves it. Throws {@link CfxConfigError}. */
export async function loadBridgeConfig(file: string, options: Omit<ResolveBridgeConfigOptions, 'baseDir' | 'source'> = {}): Promise<ResolvedBridgeConfig> {
  const path = resolve(file);
  const doc = await readConfigDocument(path);
  if (!doc.ok) throw new CfxConfigError([{ path, message: doc.message }]);
  return resolveBridgeConfig(doc.value ?? {}, { ...options, baseDir: dirname(path), source: path });
}

/** Validates and resolves the bridge config (any JSON/YAML value). Throws {@link CfxConfigError}. */
export async function resolveBridgeConfig(raw: unknown, options: ResolveBridgeConfigOptions = {}): Promise<ResolvedBridgeConfig> {
  const env = options.env ?? process.env;
  const base = options.baseDir ?? process.cwd();
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const issues: CfxConfigIssue[] = [];
  const warnings: string[] = [];
  const fail = (): never => {
    const e = new CfxConfigError(issues);
    if (options.source) e.message = `${options.source}: ${e.message}`;
    throw e;
  };

  const parsed = bridgeOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push({ path: i.path.map(String).join('.'), message: i.message });
    // Report the mapping's problems in the same round.
    const m = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).mapping : undefined;
    if (m !== undefined) {
      try {
        resolveCfxConfig(m);
      } catch (e) {
        if (e instanceof CfxConfigError) issues.push(...e.issues.map((i) => ({ path: `mapping${i.path ? `.${i.path}` : ''}`, message: i.message })));
      }
    }
    fail();
  }
  const o = parsed.data!;
  const ms = (v: string | number, path: string): number => {
    const n = parseDuration(v);
    if (n === undefined) issues.push({ path, message: `"${v}" is not a duration (e.g. 500ms, 30s, 5m)` });
    return n ?? 0;
  };

  // Mapping: the same checks as resolveCfxConfig, paths under `mapping.`.
  let mapping: CfxMappingConfig | undefined;
  try {
    mapping = resolveCfxConfig(o.mapping ?? {});
  } catch (e) {
    if (e instanceof CfxConfigError) issues.push(...e.issues.map((i) => ({ path: `mapping${i.path ? `.${i.path}` : ''}`, message: i.message })));
    else throw e;
  }

  // Broker.
  const b = o.broker;
  let url: ReturnType<typeof parseBrokerUrl> | undefined;
  try {
    url = parseBrokerUrl(env.CFX_BROKER_URL ?? b.url ?? 'amqp://127.0.0.1:5672');
  } catch (e) {
    issues.push({ path: env.CFX_BROKER_URL ? 'env CFX_BROKER_URL' : 'broker.url', message: (e as Error).message });
  }
  let password = env.CFX_BROKER_PASSWORD ?? b.password ?? url?.password;
  if (password === undefined && b.passwordFile) password = await readSecretFile(abs(b.passwordFile), 'broker.passwordFile', issues, warnings);
  if (b.password !== undefined) warnings.push('broker.password is in the config file: prefer broker.passwordFile or env CFX_BROKER_PASSWORD');
  const tlsFiles: Partial<Record<'ca' | 'cert' | 'key', string>> = {};
  for (const [key, file] of [
    ['ca', b.tls?.caFile],
    ['cert', b.tls?.certFile],
    ['key', b.tls?.keyFile],
  ] as const) {
    if (file === undefined) continue;
    try {
      tlsFiles[key] = await readFile(abs(file), 'utf8');
    } catch (e) {
      issues.push({ path: `broker.tls.${key}File`, message: `cannot read ${abs(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    }
  }
  if (b.tls && url && !url.tls) warnings.push('broker.tls is set but broker.url is amqp: (plain); use amqps: for TLS');
  const initialReconnectDelayMs = ms(b.reconnect.initialDelay, 'broker.reconnect.initialDelay');
  const maxReconnectDelayMs = ms(b.reconnect.maxDelay, 'broker.reconnect.maxDelay');
  const idleTimeoutMs = ms(b.idleTimeout, 'broker.idleTimeout');
  if (b.deadLetter !== null && b.deadLetter === b.source) issues.push({ path: 'broker.deadLetter', message: 'is the same as broker.source: rejected messages would come straight back' });
  if (b.deadLetter === null) warnings.push('broker.deadLetter is null: unprocessable messages are rejected, and RabbitMQ drops them unless the queue has a dead-letter exchange');

  // WATS.
  const watsUrl = env.WATS_BASE_URL ?? o.wats.url;
  let token = env.WATS_AUTH_TOKEN ?? o.wats.token;
  if (token === undefined && o.wats.tokenFile) token = await readSecretFile(abs(o.wats.tokenFile), 'wats.tokenFile', issues, warnings);
  if ((options.requireWats ?? true) && !watsUrl) issues.push({ path: 'wats.url', message: 'not set (or env WATS_BASE_URL): the WATS server to send to' });
  if (watsUrl) {
    try {
      const u = new URL(watsUrl);
      if (u.protocol === 'http:' && !isLoopback(u.hostname)) warnings.push(`wats.url uses plain http (${u.host}): the token crosses the network unencrypted`);
    } catch {
      issues.push({ path: 'wats.url', message: `"${watsUrl}" is not a URL` });
    }
  }

  // HTTP.
  let httpToken = o.http.token;
  if (httpToken === undefined && o.http.tokenFile) httpToken = await readSecretFile(abs(o.http.tokenFile), 'http.tokenFile', issues, warnings);
  if (o.http.enabled && !isLoopback(o.http.host) && !httpToken) {
    issues.push({ path: 'http.token', message: `the status server listens on ${o.http.host}, which other machines can reach: set http.token or http.tokenFile` });
  }

  const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
  const envLevel = env.TSWATS_LOG as BridgeConfig['logLevel'] | undefined;
  if (envLevel !== undefined && !levels.includes(envLevel)) issues.push({ path: 'env TSWATS_LOG', message: `"${envLevel}" is not one of ${levels.join(', ')}` });

  const config: BridgeConfig = {
    broker: {
      host: url?.host ?? '',
      port: url?.port ?? 0,
      tls: url?.tls ?? false,
      username: url?.username ?? b.username ?? (password === undefined ? undefined : 'guest'),
      password,
      vhost: b.vhost ?? url?.vhost,
      ...tlsFiles,
      rejectUnauthorized: b.tls?.rejectUnauthorized ?? true,
      initialReconnectDelayMs,
      maxReconnectDelayMs,
      idleTimeoutMs,
      containerId: b.containerId ?? `tswats-cfx-${hostname()}-${randomUUID().slice(0, 8)}`,
      source: b.source,
      deadLetter: b.deadLetter,
      credit: b.credit,
    },
    wats: { url: watsUrl, token, timeoutMs: ms(o.wats.timeout, 'wats.timeout'), concurrency: o.wats.concurrency },
    retry: { initialDelayMs: ms(o.retry.initialDelay, 'retry.initialDelay'), maxDelayMs: ms(o.retry.maxDelay, 'retry.maxDelay') },
    unknownMessages: o.unknownMessages,
    lookup: {
      enabled: o.lookup.enabled,
      ttlMs: ms(o.lookup.ttl, 'lookup.ttl'),
      negativeTtlMs: ms(o.lookup.negativeTtl, 'lookup.negativeTtl'),
      maxEntries: o.lookup.maxEntries,
    },
    dataDir: o.dataDir === undefined ? undefined : abs(o.dataDir),
    http: { enabled: o.http.enabled, host: o.http.host, port: o.http.port, token: httpToken },
    logLevel: envLevel ?? o.log.level,
    shutdownGraceMs: ms(o.shutdownGrace, 'shutdownGrace'),
    send: { address: o.send.address, gzip: o.send.gzip },
    mapping: mapping!,
  };
  if (issues.length > 0) fail();
  if (config.broker.maxReconnectDelayMs < config.broker.initialReconnectDelayMs) config.broker.maxReconnectDelayMs = config.broker.initialReconnectDelayMs;
  if (config.retry.maxDelayMs < config.retry.initialDelayMs) config.retry.maxDelayMs = config.retry.initialDelayMs;
  return { config, warnings };
}
