/**
 * Resolves the station configuration once: defaults < config file < env < flags. Every
 * problem is collected with its path (`folders[1].postAction: ...`) and reported together;
 * the result is frozen and passed down. Only this module reads `process.env`.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { isIP } from 'node:net';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { BUILT_IN_CONVERTERS, checkTimeZone, type ConvertOptions } from '@tswats/converters';
import type { FolderConfig, LogConfig, StationConfig } from '../types.js';
import { stationOptionsSchema, type FolderOptions, type StationOptions } from './schema.js';
import { parseDuration, parseSize } from './units.js';

/** One problem of the configuration: where (`folders[0].path`, `env WATS_BASE_URL`) and what. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** The configuration cannot be used. `issues` lists every problem found, not just the first. */
export class StationConfigError extends Error {
  readonly code = 'STATION_ERR_CONFIG';
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[], source?: string) {
    const head = source ? `invalid station configuration (${source})` : 'invalid station configuration';
    super(`${head}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'StationConfigError';
    this.issues = issues;
  }
}

export interface ResolveStationConfigOptions {
  /** The config file (YAML or JSON). Without one, only env and flags are used. */
  file?: string;
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** Command-line overrides, in the config file's shape; relative paths are relative to `cwd`. */
  flags?: StationOptions;
  /** @default process.cwd() */
  cwd?: string;
  /** Fail when no server URL is set. @default true */
  requireServer?: boolean;
  /** Fail when no watch folder is configured. @default true */
  requireFolders?: boolean;
  /** Check that watch folders exist. @default true */
  checkFolders?: boolean;
}

export interface ResolvedStationConfig {
  config: StationConfig;
  /** Things that work but deserve attention (a token file readable by others, ...). */
  warnings: string[];
}

export const DEFAULT_HTTP_PORT = 8391;

const DEFAULT_EXCLUDES = ['.*', '**/.*', '*.tmp', '**/*.tmp', '*.part', '**/*.part', '*.partial', '**/*.partial', '~*', '**/~*', '*.error.json', '**/*.error.json'];

/** Reads and checks a config file (YAML or JSON); paths in it are made absolute against its folder. */
export async function loadStationOptions(file: string): Promise<StationOptions> {
  const path = resolve(file);
  const doc = await readConfigDocument(path);
  if (!doc.ok) throw new StationConfigError([{ path, message: doc.message }]);
  let raw = doc.value;
  if (raw === null || raw === undefined) raw = {};
  const issues: ConfigIssue[] = [];
  const parsed = checkShape(raw, '', issues);
  if (!parsed) throw new StationConfigError(issues, path);
  return absolutize(parsed, dirname(path));
}

/**
 * The one place configuration is resolved: defaults < file < env < flags. Throws
 * `StationConfigError` listing every problem.
 */
export async function resolveStationConfig(options: ResolveStationConfigOptions = {}): Promise<ResolvedStationConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const configFile = options.file ? resolve(cwd, options.file) : undefined;

  const fromFile = configFile ? await loadStationOptions(configFile) : {};
  const fromEnv = envLayer(env, issues);
  let fromFlags: StationOptions = {};
  if (options.flags) {
    const checked = checkShape(options.flags, 'flag ', issues);
    if (checked) fromFlags = absolutize(checked, cwd);
  }
  const merged = deepMerge(deepMerge(fromFile, fromEnv), fromFlags) as StationOptions;
  const baseDir = configFile ? dirname(configFile) : cwd;

  // Server.
  const server = merged.server ?? {};
  let token = server.token;
  if (token === undefined && server.tokenFile) token = await readSecretFile(server.tokenFile, 'server.tokenFile', issues, warnings);
  const baseUrl = server.url ?? '';
  if (baseUrl) {
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') issues.push({ path: 'server.url', message: `must be http(s), got ${u.protocol}` });
      else if (u.protocol === 'http:' && !isLoopback(u.hostname)) warnings.push(`server.url uses plain http (${u.host}): the token crosses the network unencrypted`);
    } catch {
      issues.push({ path: 'server.url', message: `not a URL: ${JSON.stringify(baseUrl)}` });
    }
  } else if (options.requireServer ?? true) {
    issues.push({ path: 'server.url', message: 'not set (set it in the config file or in env WATS_BASE_URL)' });
  }

  // Station identity.
  const station = Object.freeze({
    name: merged.station?.name ?? (hostname().toUpperCase() || 'UNKNOWN'),
    location: merged.station?.location ?? 'unknown',
    purpose: merged.station?.purpose ?? 'Production',
  });

  const dataDir = merged.dataDir ?? resolve(baseDir, 'data');

  // Folders.
  const folders: FolderConfig[] = [];
  const folderList = merged.folders ?? [];
  if (folderList.length === 0 && (options.requireFolders ?? true)) issues.push({ path: 'folders', message: 'no watch folder configured' });
  const knownConverters = new Set(['auto', ...BUILT_IN_CONVERTERS.map((c) => c.name)]);
  const names = new Map<string, number>();
  const paths = new Map<string, number>();
  folderList.forEach((f, i) => {
    const folder = resolveFolder(f, i, station, knownConverters, options.checkFolders ?? true, issues);
    const prevName = names.get(folder.name);
    if (prevName !== undefined) issues.push({ path: `folders[${i}].name`, message: `"${folder.name}" is also the name of folders[${prevName}] (names must be unique; set name)` });
    names.set(folder.name, i);
    const prevPath = paths.get(folder.path);
    if (prevPath !== undefined) issues.push({ path: `folders[${i}].path`, message: `${folder.path} is already watched by folders[${prevPath}]` });
    paths.set(folder.path, i);
    folders.push(Object.freeze(folder));
  });
  for (const a of folders) {
    for (const b of folders) {
      if (a !== b && a.recursive && isInside(b.path, a.path)) {
        issues.push({ path: `folders[${folders.indexOf(b)}].path`, message: `${b.path} is inside folders[${folders.indexOf(a)}] (${a.path}), which is watched recursively` });
      }
    }
  }

  // Queue.
  const q = merged.queue ?? {};
  const maxItems = q.maxItems ?? 10_000;
  const resumeAt = q.resumeAt ?? Math.floor(maxItems * 0.8);
  if (resumeAt >= maxItems) issues.push({ path: 'queue.resumeAt', message: `must be below queue.maxItems (${maxItems})` });
  const initialDelayMs = dur(q.retry?.initialDelay, 5_000);
  const maxDelayMs = dur(q.retry?.maxDelay, 900_000);
  if (initialDelayMs > maxDelayMs) issues.push({ path: 'queue.retry.initialDelay', message: 'must not be above queue.retry.maxDelay' });
  if (initialDelayMs <= 0) issues.push({ path: 'queue.retry.initialDelay', message: 'must be above 0' });

  // HTTP.
  const h = merged.http ?? {};
  let httpToken = h.token;
  if (httpToken === undefined && h.tokenFile) httpToken = await readSecretFile(h.tokenFile, 'http.tokenFile', issues, warnings);
  const httpHost = h.host ?? '127.0.0.1';
  const httpEnabled = h.enabled ?? true;
  if (httpEnabled && !isLoopback(httpHost) && !httpToken) {
    issues.push({ path: 'http.token', message: `required when http.host is not a loopback address (${httpHost}): anyone on the network could read the status and retry or purge the queue` });
  }

  const conversionTimeout = dur(merged.conversion?.timeout, 600_000);
  if (conversionTimeout <= 0) issues.push({ path: 'conversion.timeout', message: 'must be above 0' });

  const logLevel = merged.log?.level ?? 'info';

  if (issues.length > 0) throw new StationConfigError(issues, configFile);

  const config: StationConfig = {
    configFile,
    dataDir,
    station,
    server: Object.freeze({
      baseUrl,
      token,
      timeoutMs: dur(server.timeout, 60_000),
      pingIntervalMs: dur(server.pingInterval, 60_000),
    }),
    folders: Object.freeze(folders),
    conversion: Object.freeze({ concurrency: merged.conversion?.concurrency ?? 2, timeoutMs: conversionTimeout }),
    watch: Object.freeze({ pollIntervalMs: dur(merged.watch?.poll, 0), rescanIntervalMs: dur(merged.watch?.rescanInterval, 300_000) }),
    queue: Object.freeze({
      dir: q.dir ?? resolve(dataDir, 'queue'),
      concurrency: q.concurrency ?? 4,
      maxItems,
      resumeAt,
      minFreeBytes: q.minFreeDisk === undefined ? 200e6 : (parseSize(q.minFreeDisk) ?? 0),
      maxAgeMs: dur(q.maxAge, 30 * 86_400_000),
      keepCompletedMs: dur(q.keepCompleted, 7 * 86_400_000),
      retry: Object.freeze({ initialDelayMs, maxDelayMs, jitter: q.retry?.jitter ?? 0.25 }),
    }),
    http: Object.freeze({ enabled: httpEnabled, host: httpHost, port: h.port ?? DEFAULT_HTTP_PORT, token: httpToken }),
    log: Object.freeze({ level: logLevel, file: merged.log?.file } satisfies LogConfig),
    cacheDir: resolve(dataDir, 'cache'),
    stateDir: resolve(dataDir, 'state'),
  };
  return { config: Object.freeze(config), warnings };
}

function resolveFolder(
  f: FolderOptions,
  i: number,
  station: StationConfig['station'],
  knownConverters: Set<string>,
  checkExists: boolean,
  issues: ConfigIssue[],
): FolderConfig {
  const at = `folders[${i}]`;
  const path = resolve(f.path);
  if (checkExists) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      issues.push({ path: `${at}.path`, message: `${path} does not exist (create it, or run \`tswats station init\`)` });
    }
    if (!isDir && existsSync(path)) issues.push({ path: `${at}.path`, message: `${path} is not a folder` });
  }
  const converter = f.converter ?? 'auto';
  if (!f.converterModule && !knownConverters.has(converter)) {
    issues.push({ path: `${at}.converter`, message: `unknown converter "${converter}"; known: ${[...knownConverters].join(', ')}` });
  }
  if (f.converterModule && !existsSync(f.converterModule)) issues.push({ path: `${at}.converterModule`, message: `${f.converterModule} does not exist` });
  const opts = f.options ?? {};
  if (opts.timeZone) {
    try {
      checkTimeZone(opts.timeZone);
    } catch (err) {
      issues.push({ path: `${at}.options.timeZone`, message: (err as Error).message });
    }
  }
  if (f.process !== undefined && opts.processCode !== undefined) {
    issues.push({ path: `${at}.process`, message: 'give either process (a name) or options.processCode, not both' });
  }
  const doneFolder = resolve(path, f.doneFolder ?? 'Done');
  const errorFolder = resolve(path, f.errorFolder ?? 'Error');
  if (doneFolder === path) issues.push({ path: `${at}.doneFolder`, message: 'must not be the watch folder itself' });
  if (errorFolder === path) issues.push({ path: `${at}.errorFolder`, message: 'must not be the watch folder itself' });
  const recursive = f.recursive ?? false;
  const options: ConvertOptions = {
    ...opts,
    stationName: opts.stationName ?? station.name,
    location: opts.location ?? station.location,
    purpose: opts.purpose ?? station.purpose,
  };
  return {
    name: f.name ?? (basename(path) || `folder${i + 1}`),
    path,
    converter: f.converterModule ? 'module' : converter,
    converterModule: f.converterModule,
    options: Object.freeze(options),
    processName: f.process,
    include: Object.freeze(f.include ?? (recursive ? ['**/*'] : ['*'])),
    exclude: Object.freeze([...DEFAULT_EXCLUDES, ...(f.exclude ?? [])]),
    recursive,
    priority: f.priority ?? 5,
    postAction: f.postAction ?? 'move',
    doneFolder,
    errorFolder,
    settleMs: dur(f.settle, 2_000),
  };
}

function checkShape(raw: unknown, prefix: string, issues: ConfigIssue[]): StationOptions | undefined {
  const result = stationOptionsSchema.safeParse(raw);
  if (result.success) return result.data as StationOptions;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One issue per unknown key, at the key's own path (a typo is easiest to find there).
      for (const key of issue.keys) issues.push({ path: prefix + formatPath([...issue.path, key]), message: `unknown key ${JSON.stringify(key)}` });
    } else {
      issues.push({ path: prefix + (formatPath(issue.path) || '(root)'), message: issueMessage(issue) });
    }
  }
  return undefined;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') {
    // Durations and sizes are unions of number | text; say what is expected in one line.
    const msgs = issue.errors.flat().map((e) => e.message);
    return msgs.find((m) => m.startsWith('expected a')) ?? issue.message;
  }
  return issue.message;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function envLayer(env: Record<string, string | undefined>, issues: ConfigIssue[]): StationOptions {
  const out: StationOptions = {};
  const url = env.WATS_BASE_URL?.trim();
  const token = env.WATS_AUTH_TOKEN?.trim();
  if (url || token) out.server = { ...(url ? { url } : {}), ...(token ? { token } : {}) };
  const level = env.TSWATS_LOG?.trim().toLowerCase();
  if (level) {
    const mapped = level === 'off' ? 'silent' : level;
    if (['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(mapped)) out.log = { level: mapped as LogConfig['level'] };
    else issues.push({ path: 'env TSWATS_LOG', message: `unknown log level "${env.TSWATS_LOG}" (fatal, error, warn, info, debug, trace, off)` });
  }
  return out;
}

/** Makes every path of one layer absolute against `base` (the config file's folder, or cwd for flags). */
function absolutize(o: StationOptions, base: string): StationOptions {
  const abs = (p: string | undefined) => (p === undefined ? undefined : isAbsolute(p) ? p : resolve(base, p));
  const out: StationOptions = { ...o };
  if (o.dataDir) out.dataDir = abs(o.dataDir);
  if (o.server?.tokenFile) out.server = { ...o.server, tokenFile: abs(o.server.tokenFile) };
  if (o.http?.tokenFile) out.http = { ...o.http, tokenFile: abs(o.http.tokenFile) };
  if (o.queue?.dir) out.queue = { ...o.queue, dir: abs(o.queue.dir) };
  if (o.log?.file) out.log = { ...o.log, file: abs(o.log.file) };
  if (o.folders) {
    out.folders = o.folders.map((f) => ({
      ...f,
      path: abs(f.path) as string,
      ...(f.converterModule ? { converterModule: abs(f.converterModule) } : {}),
    }));
  }
  return out;
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = deepMerge(a[k], v);
    return out;
  }
  return b; // arrays and scalars: the later layer wins as a whole
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dur(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : (parseDuration(value) ?? fallback);
}

/**
 * Reads a secret (token, password) from the first line of a file; an unreadable or empty file
 * is an issue at `key`, a file others may read is a warning.
 */
export async function readSecretFile(path: string, key: string, issues: ConfigIssue[], warnings: string[]): Promise<string | undefined> {
  try {
    const st = statSync(path);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      warnings.push(`${key}: ${path} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
    }
    const value = (await readFile(path, 'utf8')).split(/\r?\n/)[0]?.trim() ?? '';
    if (!value) issues.push({ path: key, message: `${path} is empty` });
    return value || undefined;
  } catch (err) {
    issues.push({ path: key, message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return undefined;
  }
}

/**
 * Reads a YAML or JSON config file (by extension; YAML otherwise). A failure says why, with the
 * line and column for YAML syntax errors.
 */
export async function readConfigDocument(path: string): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' ? 'config file not found' : `cannot read: ${(err as Error).message}` };
  }
  const json = extname(path).toLowerCase() === '.json';
  try {
    return { ok: true, value: json ? JSON.parse(text) : parseYaml(text, { prettyErrors: true }) };
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos?.[0] ? ` (line ${err.linePos[0].line}, column ${err.linePos[0].col})` : '';
    return { ok: false, message: `not valid ${json ? 'JSON' : 'YAML'}${where}: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

function isInside(child: string, parent: string): boolean {
  const rel = child.startsWith(parent) ? child.slice(parent.length) : undefined;
  return rel !== undefined && (rel.startsWith('/') || rel.startsWith('\\'));
}
