import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  WatsError,
} from './core/errors.js';
import { isRetryableStatus, parseRetryAfter, retryDelayMs, sleep, type RetryPolicy } from './internal/backoff.js';
import { readEnv } from './internal/env.js';
import { isLogLevel, levelLogger, redactHeaders, scrub, type Logger, type LogLevel } from './internal/log.js';
import { AppResource } from './resources/app.js';
import { ProductionResource } from './resources/production.js';
import { ProductResource } from './resources/product.js';
import { AssetResource } from './resources/asset.js';
import { ProcessResource } from './resources/process.js';
import { AnalyticsResource } from './resources/analytics.js';
import { SoftwareResource } from './resources/software.js';
import { RootCauseResource } from './resources/root-cause.js';
import { ScimResource } from './resources/scim.js';
import { BarcodeResource } from './resources/barcode.js';
import { ExportResource } from './resources/export.js';
import { SystemManagerResource } from './resources/system-manager.js';
import { WorkflowResource } from './resources/workflow.js';
import { AuthResource } from './resources/auth.js';
import { InternalResource } from './resources/internal.js';
import { ReportsResource } from './resources/reports.js';
import { VERSION } from './version.js';

/** How reports are checked before they are sent. */
export type ValidationMode = 'strict' | 'truncate' | 'off';

/** A request body as the client sends it: JSON is already a string; bytes, Blobs and FormData go as they are. */
export type FetchBody = string | Uint8Array | ArrayBuffer | Blob | FormData;

/** What the client passes to {@link FetchLike}: always these four fields, nothing else. */
export interface FetchInit {
  method: string;
  /** Lower-case names; includes `content-type` except for FormData (the fetch sets the multipart boundary). */
  headers: Headers;
  body?: FetchBody | undefined;
  /** Fires on the per-attempt timeout and on the caller's signal; the fetch must then reject. */
  signal: AbortSignal;
}

/** The part of a fetch `Response` the client reads. The body is read once, with `text()` or `arrayBuffer()`. */
export interface FetchResponseLike {
  /** `status` is 2xx. */
  readonly ok: boolean;
  readonly status: number;
  readonly statusText?: string;
  /** A real `Headers`: it becomes {@link APIResponse.headers} and {@link APIError.headers}. */
  readonly headers: Headers;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * The `fetch` the client needs: `globalThis.fetch` fits, and so does `createNodeFetch()` from
 * `@tswats/sdk/node`. Network failures must reject (any error); HTTP errors must resolve.
 */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

/** Options for {@link WatsClient}. Every field is optional; the JSDoc gives the default and env var. */
export interface ClientOptions {
  /**
   * The WATS server, e.g. `https://acme.wats.com`. A trailing `/` or `/api` is removed.
   * @default env `WATS_BASE_URL`
   */
  baseUrl?: string;
  /**
   * The API token, sent verbatim as `Authorization: Basic <token>` (a WATS token is
   * already base64: either `base64("user:password")` or one issued by `GET /api/Auth/GetToken`).
   * @default env `WATS_AUTH_TOKEN`
   */
  token?: string;
  /** Per-attempt timeout in ms. @default 60000 */
  timeout?: number;
  /** Retries after the first attempt, for connection errors, 408, 429 and 5xx. @default 2 */
  maxRetries?: number;
  /** Fine-tuning of the backoff between retries. */
  retry?: Partial<Omit<RetryPolicy, 'maxRetries'>>;
  /** Report validation before submit. @default 'strict' */
  validation?: ValidationMode;
  /** Headers added to every request. */
  defaultHeaders?: Record<string, string>;
  /**
   * The HTTP transport: `globalThis.fetch` or anything shaped like it. On Node,
   * `createNodeFetch()` from `@tswats/sdk/node` is about twice as fast.
   * @default globalThis.fetch
   */
  fetch?: FetchLike;
  /** Where the SDK logs. @default console */
  logger?: Logger;
  /** How much it logs. @default env `TSWATS_LOG`, else 'warn' */
  logLevel?: LogLevel;
  /** Appended to the `User-Agent` header, e.g. `my-station/1.2`. */
  userAgentSuffix?: string;
}

/** Per-call options; each overrides the client's setting for that call. */
export interface RequestOptions {
  /** Per-attempt timeout in ms. */
  timeout?: number;
  /** Retries for this call. */
  maxRetries?: number;
  /** Aborts the call, including any backoff wait. */
  signal?: AbortSignal;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** One HTTP call as the resources describe it. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path below the base URL, starting with `/api/`. */
  path: string;
  /** Query parameters; `undefined` values are left out. Names go on the wire as given. */
  query?: Record<string, string | number | boolean | undefined>;
  /**
   * The body: a JSON value (serialised here), a string already serialised, bytes
   * (`Uint8Array`/`ArrayBuffer`/`Blob`, sent as is) or `FormData` (multipart; fetch sets the boundary).
   */
  body?: unknown;
  /** For a string or bytes `body`. @default 'application/json' for strings, 'application/octet-stream' for bytes */
  contentType?: string;
  /** How to read a 2xx answer. @default 'auto' (JSON when it looks like JSON, else text) */
  responseType?: 'auto' | 'json' | 'text' | 'bytes';
  /** Internal (`/api/internal/...`) routes also need `Referer: <baseUrl>`. */
  internal?: boolean;
}

/** A response as returned by {@link WatsClient.request}. */
export interface APIResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  requestId: string | undefined;
  /** How many attempts it took (1 = no retry). */
  attempts: number;
}

/** The resolved client configuration. Frozen; `withOptions()` makes a new one. */
export interface ClientConfig {
  readonly baseUrl: string;
  readonly token: string | undefined;
  readonly timeout: number;
  readonly retry: RetryPolicy;
  readonly validation: ValidationMode;
  readonly defaultHeaders: Readonly<Record<string, string>>;
  readonly userAgent: string;
}

const DEFAULT_RETRY: Omit<RetryPolicy, 'maxRetries'> = {
  initialDelayMs: 500,
  maxDelayMs: 8000,
  jitter: 0.25,
  maxRetryAfterMs: 60_000,
};

let requestCounter = 0;

/**
 * A typed client for the WATS REST API.
 *
 * ```ts
 * const wats = new WatsClient();            // WATS_BASE_URL, WATS_AUTH_TOKEN
 * await wats.reports.submit(report);        // validated, retried safely (the id makes it idempotent)
 * for await (const h of wats.reports.queryHeaders({ filter: eq('partNumber', 'PN-1') })) { ... }
 * ```
 */
export class WatsClient {
  readonly config: ClientConfig;
  /** Reports: submit and fetch WSJF/WSXF, header queries, attachments, certificates. */
  readonly reports: ReportsResource;
  /** Server information: version, common user settings. */
  readonly app: AppResource;
  /** Production: units, serial numbers, batches, phases, child units, verification. */
  readonly production: ProductionResource;
  /** Products: products, revisions, BOM, vendors, product groups. */
  readonly product: ProductResource;
  /** Assets: assets, types, counts, calibration, maintenance, state, logs, messages, sub-assets. */
  readonly asset: AssetResource;
  /** Processes (test, repair and WIP operations), levels and product groups; with an optional offline cache. */
  readonly process: ProcessResource;
  /** Analytics: yield, top failed, measurements, aggregated measurements, step analysis, OEE, serial-number history, UUT/UUR report lists. */
  readonly analytics: AnalyticsResource;
  /** Software distribution: packages, files, folders, status. */
  readonly software: SoftwareResource;
  /** Root cause: tickets and their attachments. */
  readonly rootCause: RootCauseResource;
  /** SCIM v2 users and tokens. */
  readonly scim: ScimResource;
  /** Barcode identifiers. */
  readonly barcode: BarcodeResource;
  /** Exports: queue a certificate export, list and download exported files. */
  readonly export: ExportResource;
  /** System manager: clients (stations), client logs, levels, system status. */
  readonly systemManager: SystemManagerResource;
  /** Workflow: start and end a test. */
  readonly workflow: WorkflowResource;
  /** Authentication tokens. */
  readonly auth: AuthResource;
  /** Internal (`/api/internal/...`) routes: not a stable contract; used only where public routes cannot do the job. */
  readonly internal: InternalResource;
  private readonly options: ClientOptions;
  private readonly fetchImpl: FetchLike;
  private readonly log: Logger;
  /** Whether debug lines are written (their arguments are only built then). */
  private readonly debugOn: boolean;
  /** `buildUrl` results for query-less paths (a path's URL never changes for one client). */
  private readonly plainUrls = new Map<string, string>();

  constructor(options: ClientOptions = {}) {
    this.options = { ...options };
    const baseUrl = options.baseUrl ?? readEnv('WATS_BASE_URL');
    if (!baseUrl) {
      throw new WatsError(
        'No WATS server given: pass `baseUrl` to new WatsClient() or set WATS_BASE_URL.',
        { code: 'WATS_ERR_CONFIG' },
      );
    }
    const maxRetries = options.maxRetries ?? 2;
    const timeout = options.timeout ?? 60_000;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new WatsError(`maxRetries must be a whole number >= 0, got ${maxRetries}`, { code: 'WATS_ERR_CONFIG' });
    }
    if (!(timeout > 0)) {
      throw new WatsError(`timeout must be > 0 ms, got ${timeout}`, { code: 'WATS_ERR_CONFIG' });
    }
    const envLevel = readEnv('TSWATS_LOG');
    const level: LogLevel = options.logLevel ?? (isLogLevel(envLevel) ? envLevel : 'warn');
    this.config = Object.freeze({
      baseUrl: normaliseBaseUrl(baseUrl),
      token: options.token ?? readEnv('WATS_AUTH_TOKEN'),
      timeout,
      retry: Object.freeze({ ...DEFAULT_RETRY, ...options.retry, maxRetries }),
      validation: options.validation ?? 'strict',
      defaultHeaders: Object.freeze({ ...options.defaultHeaders }),
      userAgent: `tswats-sdk/${VERSION} (${runtimeName()})${options.userAgentSuffix ? ` ${options.userAgentSuffix}` : ''}`,
    });
    const f: FetchLike | undefined = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') {
      throw new WatsError('No fetch implementation: pass `fetch` in the options.', { code: 'WATS_ERR_CONFIG' });
    }
    this.fetchImpl = f;
    this.log = levelLogger(options.logger ?? console, level);
    this.debugOn = level === 'debug';
    this.reports = new ReportsResource(this);
    this.app = new AppResource(this);
    this.production = new ProductionResource(this);
    this.product = new ProductResource(this);
    this.asset = new AssetResource(this);
    this.process = new ProcessResource(this);
    this.analytics = new AnalyticsResource(this);
    this.software = new SoftwareResource(this);
    this.rootCause = new RootCauseResource(this);
    this.scim = new ScimResource(this);
    this.barcode = new BarcodeResource(this);
    this.export = new ExportResource(this);
    this.systemManager = new SystemManagerResource(this);
    this.workflow = new WorkflowResource(this);
    this.auth = new AuthResource(this);
    this.internal = new InternalResource(this);
  }

  /** A new client with some options changed; the original is untouched. */
  withOptions(options: Partial<ClientOptions>): WatsClient {
    return new WatsClient({
      ...this.options,
      baseUrl: this.config.baseUrl,
      token: this.config.token,
      ...options,
    });
  }

  /**
   * Sends one HTTP call with the client's one retry policy: connection errors,
   * timeouts, 408, 429 and 5xx are retried with capped, jittered exponential
   * backoff, or after the server's `Retry-After` when it sends one.
   * Non-2xx answers become typed {@link APIError}s.
   */
  async request<T = unknown>(spec: RequestSpec, options: RequestOptions = {}): Promise<APIResponse<T>> {
    const policy = { ...this.config.retry, maxRetries: options.maxRetries ?? this.config.retry.maxRetries };
    const url = this.buildUrl(spec);
    const logId = `log_${(++requestCounter).toString(36)}`;
    let retryOf: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const attemptId = attempt === 1 ? logId : `${logId}.${attempt}`;
      try {
        const res = await this.attempt<T>(spec, url, options, attemptId, retryOf);
        return { ...res, attempts: attempt };
      } catch (err) {
        const retryAfter = err instanceof APIError ? parseRetryAfter(err.headers) : undefined;
        const retryable = shouldRetry(err);
        const retriesLeft = attempt <= policy.maxRetries;
        if (!retryable || !retriesLeft || (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs)) {
          throw err;
        }
        const delay = retryDelayMs(policy, attempt, retryAfter);
        this.log.info(
          `[${attemptId}] ${spec.method} ${spec.path} failed (${describe(err)}); retry ${attempt}/${policy.maxRetries} in ${delay} ms`,
        );
        try {
          await sleep(delay, options.signal);
        } catch (abortReason) {
          throw new APIUserAbortError(undefined, { cause: abortReason });
        }
        retryOf = attemptId;
      }
    }
  }

  private async attempt<T>(
    spec: RequestSpec,
    url: string,
    options: RequestOptions,
    logId: string,
    retryOf: string | undefined,
  ): Promise<Omit<APIResponse<T>, 'attempts'>> {
    if (options.signal?.aborted) throw new APIUserAbortError(undefined, { cause: options.signal.reason });
    const headers = this.buildHeaders(spec, options);
    const body = encodeBody(spec.body);

    const timeoutMs = options.timeout ?? this.config.timeout;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onUserAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onUserAbort, { once: true });

    if (this.debugOn) {
      this.log.debug(`[${logId}] ${spec.method} ${url}`, {
        headers: redactHeaders(headers),
        ...(retryOf ? { retryOf } : {}),
      });
    }
    const started = Date.now();
    try {
      let response: FetchResponseLike;
      try {
        response = await this.fetchImpl(url, { method: spec.method, headers, body, signal: controller.signal });
      } catch (err) {
        throw this.transportError(err, options.signal, timedOut, timeoutMs, spec, url);
      }
      let data: unknown;
      try {
        data = await readBody(response, response.ok ? (spec.responseType ?? 'auto') : 'auto');
      } catch (err) {
        throw this.transportError(err, options.signal, timedOut, timeoutMs, spec, url);
      }
      const requestId = response.headers.get('request-id') ?? response.headers.get('x-request-id') ?? undefined;
      if (this.debugOn) this.log.debug(`[${logId}] ${response.status} in ${Date.now() - started} ms`, requestId ? { requestId } : {});
      if (!response.ok) {
        throw APIError.generate({
          status: response.status,
          headers: response.headers,
          body: data,
          requestId,
          method: spec.method,
          url: this.scrubUrl(url),
        });
      }
      return { data: data as T, status: response.status, headers: response.headers, requestId };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onUserAbort);
    }
  }

  private transportError(
    err: unknown,
    userSignal: AbortSignal | undefined,
    timedOut: boolean,
    timeoutMs: number,
    spec: RequestSpec,
    url: string,
  ): WatsError {
    if (userSignal?.aborted) return new APIUserAbortError(undefined, { cause: userSignal.reason });
    const where = `${spec.method} ${this.scrubUrl(url)}`;
    if (timedOut) return new APIConnectionTimeoutError(`${where} timed out after ${timeoutMs} ms`, { cause: err });
    const reason = scrub(causeText(err), this.config.token);
    return new APIConnectionError(`${where} failed: ${reason}`, { cause: err });
  }

  private buildUrl(spec: RequestSpec): string {
    const plain = spec.query === undefined || Object.keys(spec.query).length === 0;
    if (plain) {
      const known = this.plainUrls.get(spec.path);
      if (known !== undefined) return known;
    }
    const url = new URL(this.config.baseUrl + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) {
      if (v !== undefined) url.searchParams.append(k, String(v));
    }
    // URLSearchParams writes spaces as '+'; OData servers expect %20, so do the same as browsers' encodeURIComponent.
    const text = url.toString().replace(/\+/g, '%20');
    // Only fixed paths are remembered (ids in paths would grow the map without bound).
    if (plain && this.plainUrls.size < 64 && !/[0-9a-f]{8}-|\d{3,}/i.test(spec.path)) this.plainUrls.set(spec.path, text);
    return text;
  }

  private buildHeaders(spec: RequestSpec, options: RequestOptions): Headers {
    const h = new Headers({
      accept: spec.responseType === 'bytes' ? '*/*' : 'application/json',
      ...this.config.defaultHeaders,
      ...options.headers,
    });
    if (spec.body !== undefined && !h.has('content-type') && !isFormData(spec.body)) {
      const type = isBytes(spec.body) ? 'application/octet-stream' : 'application/json';
      h.set('content-type', spec.contentType ?? type);
    }
    if (spec.internal) h.set('referer', this.config.baseUrl);
    if (this.config.token && !h.has('authorization')) h.set('authorization', `Basic ${this.config.token}`);
    // Browsers forbid setting User-Agent; they drop it silently, which is fine.
    h.set('user-agent', this.config.userAgent);
    return h;
  }

  private scrubUrl(url: string): string {
    return scrub(url, this.config.token);
  }
}

/** True for failures that may succeed when sent again. */
export function shouldRetry(err: unknown): boolean {
  if (err instanceof APIUserAbortError) return false;
  if (err instanceof APIConnectionError) return true;
  if (err instanceof APIError) return isRetryableStatus(err.status);
  return false;
}

function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new WatsError(`baseUrl is not a URL: ${JSON.stringify(raw)}`, { code: 'WATS_ERR_CONFIG' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WatsError(`baseUrl must be http(s), got ${url.protocol}`, { code: 'WATS_ERR_CONFIG' });
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (/\/api$/i.test(path)) path = path.slice(0, -4);
  return `${url.origin}${path}`;
}

function isFormData(body: unknown): body is FormData {
  return typeof FormData !== 'undefined' && body instanceof FormData;
}

function isBytes(body: unknown): body is Uint8Array | ArrayBuffer | Blob {
  return (
    body instanceof Uint8Array || body instanceof ArrayBuffer || (typeof Blob !== 'undefined' && body instanceof Blob)
  );
}

function encodeBody(body: unknown): FetchBody | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string' || isFormData(body) || isBytes(body)) return body;
  return JSON.stringify(body);
}

async function readBody(response: FetchResponseLike, type: 'auto' | 'json' | 'text' | 'bytes'): Promise<unknown> {
  if (type === 'bytes') return new Uint8Array(await response.arrayBuffer());
  const text = await response.text();
  if (type === 'text') return text;
  if (text === '') return undefined;
  const contentType = response.headers.get('content-type') ?? '';
  if (type === 'json' || /json/i.test(contentType) || /^\s*[[{"]/.test(text)) {
    try {
      return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      return text;
    }
  }
  return text;
}

function causeText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; e && i < 4; i++) {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${e.message} (${code})` : e.message);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(': ') || 'unknown error';
}

function describe(err: unknown): string {
  if (err instanceof APIError) return `HTTP ${err.status}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

function runtimeName(): string {
  const g = globalThis as { process?: { versions?: { node?: string } }; navigator?: { userAgent?: string } };
  if (g.process?.versions?.node) return `node ${g.process.versions.node}`;
  return 'browser';
}
