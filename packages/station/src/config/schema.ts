/**
 * The station config file's shape (YAML or JSON), as users write it. Every field is
 * optional except the folders' paths; `resolveStationConfig()` applies defaults, env and
 * flags and turns this into the frozen `StationConfig`. The published JSON Schema
 * (`schema/station-config.schema.json`) is generated from this (`npm run gen:station-schema`).
 */
import { z } from 'zod';
import { DURATION_PATTERN, SIZE_PATTERN } from './units.js';

const duration = (what: string) =>
  z
    .union([z.number().int().min(0), z.string().regex(new RegExp(DURATION_PATTERN), 'expected a duration like 500ms, 2s, 5m, 1h or 7d')])
    .describe(`${what} A number is milliseconds; or text like 500ms, 2s, 5m, 1h, 7d.`);

const size = (what: string) =>
  z
    .union([z.number().int().min(0), z.string().regex(new RegExp(SIZE_PATTERN), 'expected a size like 500MB or 1GiB')])
    .describe(`${what} A number is bytes; or text like 500MB, 1GiB.`);

const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const POST_ACTIONS = ['move', 'zip', 'delete', 'keep'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const convertOptionsSchema = z
  .strictObject({
    processCode: z.number().int().min(0).describe('Process (test operation) code. Each format has its own default.'),
    partNumber: nonEmpty.max(100).describe('Part number when the file has none.'),
    partRevision: nonEmpty.max(100).describe("Part revision when the file has none. Default '1'."),
    stationName: nonEmpty.max(100).describe('Station name for this folder (default: station.name).'),
    location: nonEmpty.max(100).describe('Location for this folder (default: station.location).'),
    purpose: nonEmpty.max(100).describe('Purpose for this folder (default: station.purpose).'),
    operator: nonEmpty.max(100).describe('Operator when the file has none.'),
    timeZone: nonEmpty.describe("IANA time zone of timestamps written without an offset, e.g. 'Europe/Oslo'. Default: the machine's."),
    formats: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .describe("Format-specific settings by converter name, e.g. { 'spea-ict3030': { ... } }."),
  })
  .partial()
  .describe('Options given to the converter; they fill what the files lack.');

export const folderSchema = z
  .strictObject({
    path: nonEmpty.describe('The folder to watch (relative paths are relative to the config file).'),
    name: nonEmpty.max(64).optional().describe("Name in logs, status and metrics. Default: the folder's base name."),
    converter: nonEmpty
      .optional()
      .describe("A built-in converter (`tswats detect` lists them: atml, wsjf, wsxf, wstf, teststand-xml, ...) or 'auto' to detect per file. Default 'auto'."),
    converterModule: nonEmpty.optional().describe('A user converter module (JS/TS exporting the Converter interface). Overrides `converter`.'),
    process: nonEmpty
      .optional()
      .describe("A process (test operation) name, e.g. 'ICT', resolved to its code through the server's process list (cached for offline use). Alternative to options.processCode."),
    options: convertOptionsSchema.optional(),
    include: z.array(nonEmpty).min(1).optional().describe("File name globs to convert (* ? ** {a,b}). Default ['*'] (['**/*'] when recursive)."),
    exclude: z.array(nonEmpty).optional().describe('File name globs never converted, added to the built-in ones (dotfiles, *.tmp, *.part, *.error.json).'),
    recursive: z.boolean().optional().describe('Watch sub-folders too. Default false.'),
    priority: z.number().int().min(1).max(10).optional().describe('1 = highest ... 10 = lowest. Default 5.'),
    postAction: z.enum(POST_ACTIONS).optional().describe("What happens to a source file once its reports are queued: move (to doneFolder), zip (into doneFolder), delete, keep. Default 'move'."),
    doneFolder: nonEmpty.optional().describe("Where 'move' and 'zip' put sources (relative to the watch folder). Default 'Done'."),
    errorFolder: nonEmpty.optional().describe("Where failed sources go with <name>.error.json (relative to the watch folder). Default 'Error'."),
    settle: duration('A file is converted once its size and mtime stayed the same this long. Default 2s.').optional(),
  })
  .describe('A watch folder.');

export const stationOptionsSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema of this file (editors use it).'),
    server: z
      .strictObject({
        url: nonEmpty.optional().describe('WATS server URL, e.g. https://acme.wats.com. Env WATS_BASE_URL overrides it.'),
        token: nonEmpty.optional().describe('API token (base64, sent as Basic auth). Env WATS_AUTH_TOKEN overrides it. Prefer tokenFile.'),
        tokenFile: nonEmpty.optional().describe('A file holding the API token (first line). Keep it readable by the service user only.'),
        timeout: duration('Per-request timeout. Default 60s.').optional(),
        pingInterval: duration('How often the server is checked while idle. Default 60s.').optional(),
      })
      .optional(),
    station: z
      .strictObject({
        name: nonEmpty.max(100).optional().describe("Station name in reports the files don't name. Default: the host name in capitals."),
        location: nonEmpty.max(100).optional().describe("Default 'unknown'."),
        purpose: nonEmpty.max(100).optional().describe("Default 'Production'."),
      })
      .optional(),
    dataDir: nonEmpty.optional().describe("Queue, cache and state live here. Default 'data' beside the config file."),
    folders: z.array(folderSchema).optional().describe('The watch folders.'),
    conversion: z
      .strictObject({
        concurrency: z.number().int().min(1).max(64).optional().describe('Files converted at once (worker threads). Default 2.'),
        timeout: duration('A conversion taking longer is stopped and the file goes to Error. Default 10m.').optional(),
      })
      .optional(),
    watch: z
      .strictObject({
        poll: duration('Poll folders at this interval instead of OS events (network shares). Default 0 = OS events.').optional(),
        rescanInterval: duration('Full rescan of every folder, a safety net for missed events. Default 5m; 0 = off.').optional(),
      })
      .optional(),
    queue: z
      .strictObject({
        dir: nonEmpty.optional().describe("Queue directory. Default '<dataDir>/queue'."),
        concurrency: z.number().int().min(1).max(64).optional().describe('Uploads in flight at once. Default 4.'),
        maxItems: z.number().int().min(1).optional().describe('Waiting items (pending + failed) at which watching pauses. Default 10000.'),
        resumeAt: z.number().int().min(0).optional().describe('Watching resumes when waiting items drop to this. Default 80% of maxItems.'),
        minFreeDisk: size('Pause when the queue disk has less free space. Default 200MB.').optional(),
        maxAge: duration("A pending item older than this moves to 'failed' (kept for manual retry). Default 30d; 0 = never.").optional(),
        keepCompleted: duration('Completed items are kept this long (for `tswats queue list`). Default 7d; 0 = removed at once.').optional(),
        retry: z
          .strictObject({
            initialDelay: duration('First retry delay. Default 5s.').optional(),
            maxDelay: duration('Longest retry delay. Default 15m.').optional(),
            jitter: z.number().min(0).max(1).optional().describe('Fraction of each delay removed at random. Default 0.25.'),
          })
          .optional(),
      })
      .optional(),
    http: z
      .strictObject({
        enabled: z.boolean().optional().describe('Serve /health, /status and /metrics. Default true.'),
        host: nonEmpty.optional().describe('Address to bind. Default 127.0.0.1. Any other address requires a token.'),
        port: z.number().int().min(0).max(65535).optional().describe('Default 8391; 0 = any free port.'),
        token: nonEmpty.optional().describe('Bearer token required by every route except /health/live.'),
        tokenFile: nonEmpty.optional().describe('A file holding the bearer token.'),
      })
      .optional(),
    log: z
      .strictObject({
        level: z.enum(LOG_LEVELS).optional().describe("Default 'info'. Env TSWATS_LOG overrides it."),
        file: nonEmpty.optional().describe('Log to this file (JSON lines) instead of stdout.'),
      })
      .optional(),
  })
  .describe('tswats station configuration');

/** The config file as users write it. */
export type StationOptions = z.input<typeof stationOptionsSchema>;
export type FolderOptions = z.input<typeof folderSchema>;

/**
 * A config file's published JSON Schema (draft 2020-12, input side: defaults are optional) from
 * its zod schema; `file` names it under https://tswats.dev/schema/.
 */
export function configJsonSchema(schema: z.ZodType, file: string, title: string): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://tswats.dev/schema/${file}`,
    title,
    ...Object.fromEntries(Object.entries(json).filter(([k]) => k !== '$schema')),
  };
}

/** The published JSON Schema of the config file. */
export function stationConfigJsonSchema(): Record<string, unknown> {
  return configJsonSchema(stationOptionsSchema, 'station-config.schema.json', 'tswats station configuration');
}
