/** Messages between the bridge and its mapping worker thread. */
import type { KnownUnit } from '../map/types.js';
import type { PrepareOutcome } from './prepare.js';

export type ToMapWorker =
  | { t: 'map'; id: number; body: Uint8Array; encoding: string | undefined }
  /** WATS's answers for the serial numbers message `id` asked about (`undefined`: not in WATS). */
  | { t: 'units'; id: number; entries: [string, KnownUnit | undefined][] };

export type FromMapWorker =
  | { t: 'done'; id: number; outcome: Exclude<PrepareOutcome, { kind: 'lookup' }>; units: { entries: number; hits: number; misses: number } }
  | { t: 'lookup'; id: number; serials: string[] }
  /** A bug while preparing (not a bad message): the bridge releases the message and logs it. */
  | { t: 'failed'; id: number; message: string };
