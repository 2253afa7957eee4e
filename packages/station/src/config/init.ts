/**
 * `tswats station init`: writes a commented config file (mode 0600: it may hold a token)
 * and the folders it names. Never overwrites an existing config unless told to.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_HTTP_PORT } from './resolve.js';

export interface InitStationOptions {
  /** Folder for the config, the watch folder and the data. */
  dir: string;
  /** Config file name. @default 'station.yaml' */
  fileName?: string;
  serverUrl?: string;
  /** Written into the file only when given (prefer `tokenFile` or env WATS_AUTH_TOKEN). */
  token?: string;
  tokenFile?: string;
  stationName?: string;
  location?: string;
  purpose?: string;
  /** Watch folders to create: name -> converter (`auto` detects). @default { in: 'auto' } */
  folders?: Record<string, string>;
  /** Status server port. @default 8391 */
  httpPort?: number;
  /** Replace an existing config file. */
  force?: boolean;
}

export interface InitStationResult {
  configFile: string;
  folders: string[];
  dataDir: string;
}

/** Creates the config file and folders; throws when the config exists and `force` is not set. */
export async function initStation(options: InitStationOptions): Promise<InitStationResult> {
  const dir = resolve(options.dir);
  const configFile = join(dir, options.fileName ?? 'station.yaml');
  if (!options.force) {
    const exists = await stat(configFile).then(
      () => true,
      () => false,
    );
    if (exists) throw Object.assign(new Error(`${configFile} already exists (use --force to replace it)`), { code: 'STATION_ERR_CONFIG_EXISTS' });
  }
  const folders = options.folders ?? { in: 'auto' };
  const created: string[] = [];
  for (const name of Object.keys(folders)) {
    const p = join(dir, name);
    await mkdir(join(p, 'Done'), { recursive: true });
    await mkdir(join(p, 'Error'), { recursive: true });
    created.push(p);
  }
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeConfigFile(configFile, renderConfigTemplate({ ...options, folders }));
  return { configFile, folders: created, dataDir };
}

/** Writes a config file atomically with mode 0600 (temp file, fsync, rename). */
export async function writeConfigFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.chmod(0o600); // the umask may have narrowed it further, never widened: make it exact
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
}

const q = (s: string) => JSON.stringify(s);

/** The commented YAML config `station init` writes. Every key is shown; optional ones are commented out. */
export function renderConfigTemplate(o: Omit<InitStationOptions, 'dir'> & { folders: Record<string, string> }): string {
  const folderBlocks = Object.entries(o.folders)
    .map(
      ([name, converter]) => `  - path: ${name}                 # relative to this file
    converter: ${converter}             # auto = detect per file; or atml, wsjf, wsxf, wstf, teststand-xml, seica-viva, ...
    # converterModule: ./my-converter.mjs   # your own converter (see docs/converters.md)
    # process: ICT                    # process name, resolved to its code via the server (cached offline)
    options: {}                       # converter options, e.g. { processCode: 10, timeZone: Europe/Oslo }:
      # processCode: 10               # or give the code directly
      # partRevision: "A"
      # timeZone: Europe/Oslo         # zone of timestamps without an offset (default: this machine's)
      # operator: line-operator
    include: ["*"]                    # file globs to convert
    # exclude: ["*.bak"]              # added to the built-in ones (dotfiles, *.tmp, *.part, *.error.json)
    # recursive: false
    priority: 5                       # 1 = highest ... 10 = lowest
    postAction: move                  # move (to Done) | zip (into Done) | delete | keep
    doneFolder: Done                  # relative to the watch folder
    errorFolder: Error                # failed files go here with <name>.error.json
    settle: 2s                        # size and mtime unchanged this long before converting`,
    )
    .join('\n');
  return `# tswats station configuration. Reference: docs/station.md; JSON Schema: @tswats/station/schema.json
# Order of precedence: defaults < this file < env (WATS_BASE_URL, WATS_AUTH_TOKEN, TSWATS_LOG) < command-line flags.
# Durations: 500ms, 2s, 5m, 1h, 7d (a bare number is milliseconds). Sizes: 500MB, 1GiB.

server:
  url: ${o.serverUrl ? q(o.serverUrl) : '"https://your-company.wats.com"'}   # env WATS_BASE_URL overrides
${o.token ? `  token: ${q(o.token)}` : '  # token: "..."                    # env WATS_AUTH_TOKEN overrides; prefer tokenFile'}
${o.tokenFile ? `  tokenFile: ${q(o.tokenFile)}` : '  # tokenFile: /etc/tswats/token     # first line of the file; chmod 600'}
  timeout: 60s
  pingInterval: 60s

station:
  name: ${q(o.stationName ?? (hostname().toUpperCase() || 'STATION'))}
  location: ${q(o.location ?? 'unknown')}
  purpose: ${q(o.purpose ?? 'Production')}

dataDir: data                       # queue, process cache and state (relative to this file)

folders:
${folderBlocks}

conversion:
  concurrency: 2                    # files converted at once (worker threads)
  timeout: 10m                      # longer conversions are stopped; the file goes to Error

watch:
  poll: 0                           # e.g. 5s to poll network shares instead of OS events
  rescanInterval: 5m                # full rescan, a safety net for missed events; 0 = off

queue:
  concurrency: 4                    # uploads in flight
  maxItems: 10000                   # waiting reports at which watching pauses (files wait, nothing is dropped)
  resumeAt: 8000
  minFreeDisk: 200MB
  maxAge: 30d                       # older pending reports move to 'failed' (kept; tswats queue retry)
  keepCompleted: 7d
  retry:
    initialDelay: 5s
    maxDelay: 15m
    jitter: 0.25

http:
  enabled: true
  host: 127.0.0.1                   # any other address requires a token
  port: ${o.httpPort ?? DEFAULT_HTTP_PORT}
  # token: "..."                    # bearer token for every route except /health/live
  # tokenFile: /etc/tswats/http-token

log:
  level: info                       # fatal, error, warn, info, debug, trace, silent (env TSWATS_LOG)
  # file: /var/log/tswats/station.log   # JSON lines; default stdout
`;
}
