import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConvertOptions } from '@tswats/converters';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Options every fixture is converted with, so expected files do not depend on the machine. */
export const FIXTURE_OPTIONS: ConvertOptions = {
  timeZone: 'Europe/Oslo',
  stationName: 'TEST-STATION',
  location: 'Test lab',
  purpose: 'Production',
};

export interface Fixture {
  /** Folder name = the converter's name. */
  format: string;
  name: string;
  path: string;
  /** `expected/<name>.json`: the reviewed WSJF reports, as an array. */
  expectedPath: string;
  options: ConvertOptions;
}

const NOT_INPUT = /^(NOTICE\.md|REVIEW\.md|README\.md)$|\.options\.json$/;

/**
 * Every input file under `fixtures/<format>/` (sub-folders are companions, e.g. Klippel's data
 * folder; `expected/` holds the reviewed output; `<name>.options.json` adds options).
 */
export function listFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const format of readdirSync(FIXTURES).sort()) {
    const dir = join(FIXTURES, format);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (NOT_INPUT.test(name) || statSync(path).isDirectory()) continue;
      const optionsPath = `${path}.options.json`;
      const extra = existsSync(optionsPath) ? (JSON.parse(readFileSync(optionsPath, 'utf8')) as ConvertOptions) : {};
      out.push({ format, name, path, expectedPath: join(dir, 'expected', `${name}.json`), options: { ...FIXTURE_OPTIONS, ...extra } });
    }
  }
  return out;
}

/** A tiny seeded PRNG (mulberry32), so fuzz runs repeat exactly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
