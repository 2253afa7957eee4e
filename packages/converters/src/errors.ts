/** Where in a file a problem is: a line (and column) for text formats, an element path for XML. */
export interface SourcePosition {
  /** 1-based line number. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** Element or record path, e.g. `Reports/Report[2]/Step[14]` or `{@BTEST}` record 3. */
  element?: string;
}

/** Stable codes of conversion failures (documented in docs/converters.md; never reused). */
export type ConversionErrorCode =
  | 'CONVERT_ERR_EMPTY'
  | 'CONVERT_ERR_BINARY'
  | 'CONVERT_ERR_ENCODING'
  | 'CONVERT_ERR_SYNTAX'
  | 'CONVERT_ERR_FORMAT'
  | 'CONVERT_ERR_MISSING_FIELD'
  | 'CONVERT_ERR_VALUE'
  | 'CONVERT_ERR_TRUNCATED'
  | 'CONVERT_ERR_UNSAFE_XML'
  | 'CONVERT_ERR_NO_CONVERTER'
  | 'CONVERT_ERR_UNKNOWN_FORMAT'
  | 'CONVERT_ERR_INVALID_REPORT'
  | 'CONVERT_ERR_READ'
  | 'CONVERT_ERR_INTERNAL';

/**
 * A file could not be converted. The message names the file, the position and the reason;
 * the same facts are fields, so the station can write them into `<name>.error.json`.
 */
export class ConversionError extends Error {
  readonly code: ConversionErrorCode;
  /** The input file's name (or path). */
  readonly file: string;
  /** The converter that failed, when one was chosen. */
  readonly format: string | undefined;
  readonly position: SourcePosition | undefined;
  /** The reason, without the file and position prefix. */
  readonly reason: string;

  constructor(init: {
    code: ConversionErrorCode;
    file: string;
    reason: string;
    format?: string;
    position?: SourcePosition;
    cause?: unknown;
  }) {
    super(`${init.file}${formatPosition(init.position)}: ${init.reason}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ConversionError';
    this.code = init.code;
    this.file = init.file;
    this.format = init.format;
    this.position = init.position;
    this.reason = init.reason;
  }

  /** A plain object for logs and error sidecar files. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, file: this.file, format: this.format, position: this.position, reason: this.reason };
  }
}

function formatPosition(p: SourcePosition | undefined): string {
  if (!p) return '';
  const parts: string[] = [];
  if (p.line !== undefined) parts.push(`line ${p.line}${p.column !== undefined ? `:${p.column}` : ''}`);
  if (p.element) parts.push(p.element);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
