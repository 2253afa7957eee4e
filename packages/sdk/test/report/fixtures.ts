/** Shared helpers for the report tests: the three real WSJF fixtures. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The fixture files in `test/fixtures/wsjf`. */
export const FIXTURE_NAMES = [
  'example_report_from_server.json',
  'WATS - WSJF UUT Example file.json',
  'WATS - WSJF UUR Example file.json',
] as const;

/** Reads a fixture as text (BOM, if any, kept). */
export function fixtureText(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/wsjf/${name}`, import.meta.url)), 'utf8');
}

/** What `JSON.parse` gives for a fixture, BOM stripped. */
export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name).replace(/^\uFEFF/, '')) as Record<string, unknown>;
}
