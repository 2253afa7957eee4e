import { hostname } from 'node:os';
import type { ConversionWarning, ConvertContext, ConvertOptions } from './types.js';
import { checkTimeZone, machineTimeZone } from './time.js';

/** Resolves the options once (defaults < given) and collects warnings for one conversion. */
export function createContext(options: ConvertOptions = {}): { ctx: ConvertContext; warnings: ConversionWarning[] } {
  const timeZone = options.timeZone ?? machineTimeZone();
  checkTimeZone(timeZone);
  if (options.processCode !== undefined && !Number.isInteger(options.processCode)) {
    throw new RangeError(`processCode must be a whole number, got ${options.processCode}`);
  }
  const warnings: ConversionWarning[] = [];
  const ctx: ConvertContext = {
    options: Object.freeze({
      processCode: options.processCode,
      partNumber: options.partNumber,
      partRevision: options.partRevision ?? '1',
      stationName: options.stationName ?? safeHostname(),
      location: options.location ?? 'unknown',
      purpose: options.purpose ?? 'Production',
      operator: options.operator,
      timeZone,
      formats: Object.freeze({ ...options.formats }),
    }),
    warn(message, position) {
      warnings.push({ message, ...position });
    },
  };
  return { ctx, warnings };
}

function safeHostname(): string {
  try {
    return hostname() || 'unknown';
  } catch {
    return 'unknown';
  }
}
