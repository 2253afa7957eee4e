/** Converting files in worker threads, with a per-file timeout. */
export { createConverterPool } from './pool.js';
export type { ConverterPool, ConverterPoolOptions, ConvertJob, ConvertJobResult } from './pool.js';
export { ConverterPoolError } from './errors.js';
export type { ConverterPoolErrorCode } from './errors.js';
