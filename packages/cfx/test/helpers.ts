import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeCfxBody, resolveCfxConfig, type CfxEnvelope, type CfxMappingConfig, type JsonObject } from '@tswats/cfx';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixtureBytes(name: string): Buffer {
  return readFileSync(FIXTURES + name);
}

export function fixtureJson(name: string): JsonObject {
  return JSON.parse(readFileSync(FIXTURES + name, 'utf8')) as JsonObject;
}

/** Decodes a fixture holding one envelope. */
export function envelope(name: string): CfxEnvelope {
  const list = decodeCfxBody(fixtureBytes(name));
  if (list.length !== 1) throw new Error(`${name}: expected one envelope, got ${list.length}`);
  return list[0]!;
}

/** The mapping config the tests use (as written in a config file). */
export const TEST_MAPPING = {
  stations: {
    'Acme.FCT3000.SN0042': { machineName: 'FCT-42', location: 'Line 3', assetSerial: 'FCT3000-0042' },
    'Acme.AOI7.SN0007': { machineName: 'AOI-7', location: 'Line 3 SMT' },
    'Acme.Rework.Bench2': { machineName: 'REWORK-2', location: 'Repair' },
  },
  partNumbers: {
    recipes: { 'PSU-48V-FCT': { partNumber: 'PSU-48V', revision: 'C' } },
    rules: [
      { prefix: 'RACK-', partNumber: 'RACK-19', revision: 'A' },
      { pattern: '^PSU48-\\d{4}-', partNumber: 'PSU-48V', revision: 'C' },
    ],
  },
  processCodes: { byTestMethod: { FCT: 20 }, byInspectionMethod: { AOI: 30 }, repair: 500 },
};

/** The mapping config the tests use, resolved. */
export function testConfig(overrides: Record<string, unknown> = {}): CfxMappingConfig {
  return resolveCfxConfig({
    ...TEST_MAPPING,
    ...overrides,
  });
}

/** A deep copy of `value` with every object key passed through `f`. */
export function mapKeys(value: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, f));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k === '$type' ? k : f(k), mapKeys(v, f)]));
  }
  return value;
}
