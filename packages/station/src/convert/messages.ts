/** The messages between the converter pool and its workers (structured-clone safe). */
import type { ConversionWarning, ConvertOptions } from '@tswats/converters';
import type { WsjfReport } from '@tswats/sdk';
import type { SerializedError } from './errors.js';

/** One file to convert. */
export interface ConvertJob {
  /** Absolute path of the file. Its companion folder (Klippel) is found beside it. */
  path: string;
  /** A built-in converter name to use, or `auto` / undefined to detect. */
  converter?: string;
  /** Absolute path of a user converter module; overrides `converter`. */
  converterModule?: string;
  /** Options that fill what the file lacks. */
  options?: ConvertOptions;
}

/** What a conversion gives. */
export interface ConvertJobResult {
  format: string;
  reports: WsjfReport[];
  warnings: ConversionWarning[];
  /** True when the converter used reads the file's companion folder (it then moves with the file). */
  needsFolder: boolean;
}

export type ToWorker = { type: 'convert'; id: number; job: ConvertJob };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: ConvertJobResult }
  | { type: 'failed'; id: number; error: SerializedError; needsFolder: boolean };
