/**
 * The station's structured logger: pino JSON lines to stdout or a file, with `component`
 * set through child loggers, and secrets kept out of every line twice over: pino `redact`
 * for the fields where secrets are known to live, then a last look at each finished line
 * that replaces any remaining occurrence of a secret string (inside an error message, a
 * URL, a nested object) with "[redacted]".
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogConfig } from './types.js';

export type { Logger } from 'pino';

/** What redacted values are replaced with, in fields and in free text alike. */
export const REDACTED = '[redacted]';

/**
 * Field paths that pino redacts whatever their value. The final line guard only knows the
 * configured secrets, so these catch secrets it cannot know (a token a user pasted into a
 * request, a password in an options object).
 */
export const REDACT_PATHS: readonly string[] = [
  'token',
  '*.token',
  'authToken',
  '*.authToken',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'Authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'config.server.token',
  'config.http.token',
  'server.token',
  'http.token',
];

/** Secrets shorter than this are not searched for in free text (they would match ordinary words). */
const MIN_SECRET_LENGTH = 4;

/**
 * Creates the station logger.
 *
 * Lines are JSON with `level` (number), `time` (ISO 8601), `pid`, `hostname` and `msg`; give
 * each component its own child: `log.child({ component: 'queue' })`.
 * Output goes to stdout, or to `config.file` (its folder is created). Writes are
 * asynchronous; call {@link flushLogger} or {@link closeLogger} on shutdown. Pending lines
 * are also flushed synchronously when the process exits normally.
 *
 * @param config  level and destination.
 * @param secrets strings that must never appear in a line (the server token, the status
 *                server token). Empty and very short strings are ignored.
 */
export function createLogger(config: LogConfig, secrets: readonly string[]): Logger {
  return pino(
    {
      level: config.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      hooks: { streamWrite: createSecretScrubber(secrets) },
    },
    new Sink(config.file),
  );
}

type SonicBoom = ReturnType<typeof pino.destination>;

/**
 * What the logger writes to: pino's own destination (SonicBoom) for stdout or the file,
 * made safe for a service:
 * - a failed write to the file (disk full, file system gone) does not crash the process
 *   through an unhandled 'error' event: it is reported once on stderr, the lines that
 *   failed are dropped, and the next line is written to a freshly opened file;
 * - lines logged after {@link closeLogger} are dropped instead of throwing.
 */
class Sink implements DestinationStream {
  destination: SonicBoom;
  closed = false;
  readonly #file: string | undefined;
  readonly #reported = new Set<string>();

  constructor(file: string | undefined) {
    this.#file = file;
    if (file) mkdirSync(dirname(file), { recursive: true });
    this.destination = this.#open();
  }

  #open(): SonicBoom {
    const destination = pino.destination({ dest: this.#file ?? 1, mkdir: true, sync: false });
    destination.on('error', (err: NodeJS.ErrnoException) => {
      const kind = err.code ?? err.message;
      if (!this.#reported.has(kind)) {
        this.#reported.add(kind);
        process.stderr.write(`tswats: cannot write the log to ${this.#file ?? 'stdout'}: ${err.message}\n`);
      }
      // SonicBoom keeps retrying what it holds (forever, at exit); drop it with the file.
      if (this.#file && destination === this.destination) {
        destination.destroy();
        if (!this.closed) this.destination = this.#open();
      }
    });
    return destination;
  }

  write(line: string): void {
    if (!this.closed && !stateOf(this.destination).destroyed) this.destination.write(line);
  }

  flush(cb?: (err?: Error) => void): void {
    if (this.closed || stateOf(this.destination).destroyed) cb?.();
    else this.destination.flush(cb);
  }
}

/**
 * Returns a function that replaces every occurrence of each secret in a serialized line
 * with "[redacted]". A secret can appear in the line as written, JSON-escaped (once, or
 * twice when a message quotes JSON), or URL-encoded; all those spellings are replaced.
 */
export function createSecretScrubber(secrets: readonly string[]): (line: string) => string {
  const spellings = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.trim().length < MIN_SECRET_LENGTH) continue;
    const once = JSON.stringify(secret).slice(1, -1);
    const twice = JSON.stringify(once).slice(1, -1);
    for (const s of [secret, once, twice, encodeURIComponent(secret)]) spellings.add(s);
  }
  // Longest first, so a longer spelling is not left half-replaced by a shorter one.
  const ordered = [...spellings].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const s of ordered) if (out.includes(s)) out = out.replaceAll(s, REDACTED);
    return out;
  };
}

/** The state of a SonicBoom that a flush needs (not in its type declarations). */
interface SonicState {
  fd?: number;
  destroyed?: boolean;
  _opening?: boolean;
  _writing?: boolean;
  _len?: number;
}

const stateOf = (stream: SonicBoom) => stream as unknown as SonicState;

function sinkOf(log: Logger): Sink | undefined {
  const stream = (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  return stream instanceof Sink ? stream : undefined;
}

/** Resolves on the first of `events`, or after `ms`. */
function firstOf(stream: SonicBoom, events: readonly string[], ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const e of events) stream.removeListener(e, done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const e of events) stream.once(e, done);
  });
}

/**
 * Waits until every line logged so far has been handed to the OS (stdout or the file).
 * Gives up after `timeoutMs` (a stalled stdout reader must not hold up a shutdown). Works
 * on the root logger or any child (they share the destination); does nothing for a logger
 * that {@link createLogger} did not make.
 */
export async function flushLogger(log: Logger, timeoutMs = 5_000): Promise<void> {
  const stream = sinkOf(log)?.destination;
  if (!stream) return;
  const state = stateOf(stream);
  const end = Date.now() + timeoutMs;
  // SonicBoom's own flush(cb) calls back at once when it keeps no minimum buffer, even with
  // a write still in flight, so wait for its events instead.
  while (!state.destroyed && (state._opening || state._writing || (state._len ?? 0) > 0)) {
    const left = end - Date.now();
    if (left <= 0) return;
    await firstOf(stream, state._opening ? ['ready', 'error', 'close'] : ['drain', 'error', 'close'], left);
  }
}

/**
 * Flushes the logger and, when it writes to a file, closes the file. Lines logged
 * afterwards are dropped. Stdout is flushed but left open (and later lines are still
 * dropped). Safe to call twice.
 */
export async function closeLogger(log: Logger, timeoutMs = 5_000): Promise<void> {
  const sink = sinkOf(log);
  if (!sink || sink.closed) return;
  const stream = sink.destination;
  const state = stateOf(stream);
  if (state.fd === 1 || state.fd === 2) {
    await flushLogger(log, timeoutMs);
    sink.closed = true;
    return;
  }
  sink.closed = true;
  if (state.destroyed) return;
  // end() writes what is buffered, then closes the file and emits 'close'.
  const closed = firstOf(stream, ['close', 'error'], timeoutMs);
  stream.end();
  await closed;
}
