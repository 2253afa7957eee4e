import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_CONVERTERS, convert, detect } from '@tswats/converters';
import { listFixtures } from './helpers.js';

// Expected outputs are written with UPDATE_FIXTURES=1 and then reviewed by hand against the
// source file (what was checked is in each folder's REVIEW.md). Normal runs compare.
const UPDATE = process.env.UPDATE_FIXTURES === '1';
const fixtures = listFixtures();

describe('real equipment files convert to their reviewed WSJF', () => {
  it('has fixtures for every built-in converter', () => {
    const formats = new Set(fixtures.map((f) => f.format));
    for (const c of BUILT_IN_CONVERTERS) expect(formats, `no fixture folder for ${c.name}`).toContain(c.name);
  });

  it.each(fixtures.map((f) => [`${f.format}/${f.name}`, f] as const))('%s', async (_label, f) => {
    const result = await convert(f.path, f.options);
    expect(result.format).toBe(f.format);
    const actual = JSON.parse(JSON.stringify(result.reports));
    if (UPDATE) {
      mkdirSync(dirname(f.expectedPath), { recursive: true });
      writeFileSync(f.expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    const expected = JSON.parse(readFileSync(f.expectedPath, 'utf8'));
    expect(actual).toEqual(expected);
    // Converting again gives the same report ids: re-sending overwrites, never duplicates.
    const again = await convert(f.path, f.options);
    expect(again.reports.map((r) => r.id)).toEqual(result.reports.map((r) => r.id));
  });

  it.each(fixtures.map((f) => [`${f.format}/${f.name}`, f] as const))('only %s\'s own converter claims it', async (_label, f) => {
    const d = await detect(f.path);
    expect(d.format).toBe(f.format);
    expect(d.candidates.map((c) => c.format)).toEqual([f.format]);
  });
});
