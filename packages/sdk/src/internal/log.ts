/** What the SDK logs through. pino, console and winston loggers all fit. */
export interface Logger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in RANK;
}

const noop = () => {};

/** Wraps a logger so calls below `level` cost nothing. */
export function levelLogger(logger: Logger, level: LogLevel): Logger {
  const on = (l: LogLevel) => RANK[l] <= RANK[level];
  return {
    error: on('error') ? logger.error.bind(logger) : noop,
    warn: on('warn') ? logger.warn.bind(logger) : noop,
    info: on('info') ? logger.info.bind(logger) : noop,
    debug: on('debug') ? logger.debug.bind(logger) : noop,
  };
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** Headers as a plain object, with credentials replaced, for debug output. */
export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [k, v] of entries) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? '***' : v;
  return out;
}

/** Removes every occurrence of a secret from a string (belt and braces for error text). */
export function scrub(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('***');
}
