/**
 * The built-in converters, in detection tie-break order. One module per format under
 * `src/<format>/`, each exporting one `Converter`.
 */
import type { Converter } from './types.js';
import { wsjfConverter } from './wsjf/index.js';

export const FORMAT_CONVERTERS: readonly Converter[] = [
  wsjfConverter,
];
