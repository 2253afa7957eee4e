/**
 * Errors of the converter pool. A converter's own failure arrives as the converters'
 * `ConversionError` (rebuilt from the worker, `instanceof` works); the pool's failures carry a
 * `STATION_ERR_*` code (never reused).
 */
import { ConversionError, type ConversionErrorCode, type SourcePosition } from '@tswats/converters';

export type ConverterPoolErrorCode =
  /** The conversion ran longer than the timeout; its worker was terminated. */
  | 'STATION_ERR_CONVERT_TIMEOUT'
  /** The worker died during the conversion (out of memory, `process.exit` in a user converter, ...). */
  | 'STATION_ERR_CONVERT_WORKER_CRASHED'
  /** A converter worker could not start (installation problem, not the file's fault). */
  | 'STATION_ERR_CONVERT_WORKER_START'
  /** A user converter module could not be loaded (configuration, not the file's fault). */
  | 'STATION_ERR_CONVERTER_LOAD'
  /** The pool was closed before the conversion finished. */
  | 'STATION_ERR_CONVERTER_POOL_CLOSED';

export class ConverterPoolError extends Error {
  readonly code: ConverterPoolErrorCode;
  /** The file being converted. */
  readonly file: string;
  /** The reason, without the file prefix. */
  readonly reason: string;

  constructor(code: ConverterPoolErrorCode, file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.name = 'ConverterPoolError';
    this.code = code;
    this.file = file;
    this.reason = reason;
  }

  /** A plain object for logs and error sidecar files (same shape as ConversionError's). */
  toJSON(): Record<string, unknown> {
    return { code: this.code, file: this.file, reason: this.reason };
  }
}

/** An error as it crosses from the worker (structured clone keeps no classes). */
export interface SerializedError {
  kind: 'conversion' | 'load' | 'internal';
  message: string;
  code?: string;
  file?: string;
  format?: string;
  position?: SourcePosition;
  reason?: string;
  stack?: string;
}

export function serializeError(err: unknown, kind: SerializedError['kind']): SerializedError {
  if (err instanceof ConversionError) {
    return { kind: 'conversion', message: err.message, code: err.code, file: err.file, format: err.format, position: err.position, reason: err.reason, stack: err.stack };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind, message: e.message, stack: e.stack };
}

/** Rebuilds the worker's error on this side: a ConversionError, or a ConverterPoolError. */
export function rebuildError(s: SerializedError, file: string): Error {
  if (s.kind === 'conversion') {
    const err = new ConversionError({
      code: (s.code ?? 'CONVERT_ERR_INTERNAL') as ConversionErrorCode,
      file: s.file ?? file,
      reason: s.reason ?? s.message,
      ...(s.format !== undefined ? { format: s.format } : {}),
      ...(s.position !== undefined ? { position: s.position } : {}),
    });
    if (s.stack) err.stack = s.stack;
    return err;
  }
  if (s.kind === 'load') return new ConverterPoolError('STATION_ERR_CONVERTER_LOAD', file, `cannot load the converter: ${s.message}`);
  // Anything else thrown in the worker is a converter bug; report it like convert() does.
  return new ConversionError({ code: 'CONVERT_ERR_INTERNAL', file, reason: `converter failed: ${s.message}` });
}
