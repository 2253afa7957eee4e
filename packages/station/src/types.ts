/**
 * Shared shapes of the station service: the resolved configuration every component
 * receives, and the status snapshot the HTTP server, metrics and CLI read.
 * `StationConfig` is produced once by `resolveStationConfig()` (config/resolve.ts) and passed
 * down; components never read `process.env` or the config file themselves.
 */
import type { ConvertOptions } from '@tswats/converters';

/** What happens to a source file after its reports are safely in the upload queue. */
export type PostAction = 'move' | 'zip' | 'delete' | 'keep';

/** One watch folder, fully resolved (absolute paths, defaults applied). */
export interface FolderConfig {
  /** Unique name of the folder in logs, status and metrics. @default the folder's base name */
  readonly name: string;
  /** Absolute path of the watched folder. */
  readonly path: string;
  /** A built-in converter name (`atml`, `wsjf`, ...) or `auto` (detect per file). */
  readonly converter: string;
  /** Absolute path of a user converter module (JS/TS exporting the Converter interface); overrides `converter`. */
  readonly converterModule: string | undefined;
  /**
   * Options given to the converter. Station identity (name, location, purpose) is filled in
   * from `station` unless the folder sets its own. `processCode` may be left out when
   * `processName` is given; the service then resolves it through the process cache.
   */
  readonly options: ConvertOptions;
  /** A process (test operation) name to resolve into `options.processCode` via the server's process list (cached for offline use). */
  readonly processName: string | undefined;
  /** File name globs that are converted (matched against the path relative to the folder, `/` separators). */
  readonly include: readonly string[];
  /** File name globs that are never converted (temporary files, our own sidecars). */
  readonly exclude: readonly string[];
  /** Watch sub-folders too (Done/Error folders inside the watch folder are always skipped). */
  readonly recursive: boolean;
  /** 1 = highest ... 10 = lowest. Files of higher-priority folders are converted first, and their reports uploaded first. */
  readonly priority: number;
  readonly postAction: PostAction;
  /** Absolute path; where `move` and `zip` put the source. */
  readonly doneFolder: string;
  /** Absolute path; where failed sources go, each with `<name>.error.json`. */
  readonly errorFolder: string;
  /** A file is converted only after its size and mtime stayed the same this long (ms). */
  readonly settleMs: number;
}

export interface ServerConfig {
  /** WATS server base URL; undefined means "not configured" (the service refuses to start). */
  readonly baseUrl: string;
  /** The API token (already read from `tokenFile` if that was used). Never logged. */
  readonly token: string | undefined;
  /** Per-request timeout (ms). */
  readonly timeoutMs: number;
  /** How often the server is pinged while idle (ms). */
  readonly pingIntervalMs: number;
}

export interface QueueConfig {
  /** Absolute path of the queue directory. */
  readonly dir: string;
  /** Uploads in flight at once. */
  readonly concurrency: number;
  /** Items waiting (pending + failed) at which the queue refuses new reports and watching pauses. */
  readonly maxItems: number;
  /** Watching resumes when the waiting items drop to this number. */
  readonly resumeAt: number;
  /** Refuse new reports when the queue's disk has less free space than this (bytes). */
  readonly minFreeBytes: number;
  /** A pending item older than this (ms) moves to `failed` with reason "expired" (kept for manual retry). 0 = never. */
  readonly maxAgeMs: number;
  /** Completed items are kept this long (ms), then removed. 0 = removed at once. */
  readonly keepCompletedMs: number;
  /** Backoff between upload attempts of one item: first delay, cap (ms) and jitter fraction. */
  readonly retry: { readonly initialDelayMs: number; readonly maxDelayMs: number; readonly jitter: number };
}

export interface ConversionConfig {
  /** Files converted at once (worker threads). */
  readonly concurrency: number;
  /** A conversion taking longer than this (ms) is stopped and the file goes to Error. */
  readonly timeoutMs: number;
}

export interface WatchConfig {
  /** Poll folders instead of OS events (network shares). 0 = OS events. */
  readonly pollIntervalMs: number;
  /** A full rescan of every folder this often (ms), a safety net for missed events. 0 = off. */
  readonly rescanIntervalMs: number;
}

export interface HttpConfig {
  /** false turns the status server off. */
  readonly enabled: boolean;
  /** @default 127.0.0.1 */
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  /** Bearer token required on every route except /health/live when set. Required when host is not loopback. */
  readonly token: string | undefined;
}

export interface LogConfig {
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Absolute path of a log file; undefined = stdout. */
  readonly file: string | undefined;
}

export interface StationIdentity {
  readonly name: string;
  readonly location: string;
  readonly purpose: string;
}

/** The resolved station configuration. Frozen. */
export interface StationConfig {
  /** The config file it came from, if any. */
  readonly configFile: string | undefined;
  /** Absolute path of the data directory (queue, cache, state). */
  readonly dataDir: string;
  readonly station: StationIdentity;
  readonly server: ServerConfig;
  readonly folders: readonly FolderConfig[];
  readonly conversion: ConversionConfig;
  readonly watch: WatchConfig;
  readonly queue: QueueConfig;
  readonly http: HttpConfig;
  readonly log: LogConfig;
  /** Absolute path of the reference cache (process definitions) directory. */
  readonly cacheDir: string;
  /** Absolute path of the state directory (post-action journal, processed-file ledger). */
  readonly stateDir: string;
}

export type ServiceState = 'starting' | 'running' | 'paused' | 'draining' | 'stopped' | 'error';

export type QueueState = 'pending' | 'failed' | 'completed';

export interface LastError {
  at: string;
  component: string;
  message: string;
  file?: string;
  reportId?: string;
}

export interface FolderStatus {
  name: string;
  path: string;
  converter: string;
  priority: number;
  /** Files seen and waiting to settle or for a conversion slot. */
  waiting: number;
  converting: number;
  converted: number;
  failed: number;
  reports: number;
  lastFile?: string;
  lastError?: LastError;
}

/** GET /status. Also what /metrics and `tswats station status` show. */
export interface StationStatus {
  state: ServiceState;
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  station: StationIdentity;
  server: {
    url: string;
    /** null until the first check. */
    reachable: boolean | null;
    lastCheckAt?: string;
    lastError?: string;
  };
  queue: {
    counts: Record<QueueState, number>;
    /** Uploads in flight now. */
    sending: number;
    oldestPendingAgeSeconds: number | null;
    accepting: boolean;
    maxItems: number;
  };
  folders: FolderStatus[];
  totals: {
    filesConverted: number;
    filesFailed: number;
    reportsQueued: number;
    reportsUploaded: number;
    uploadFailures: number;
  };
  /** Newest first, at most 20. */
  lastErrors: LastError[];
  cache: { ageSeconds: number | null };
}
