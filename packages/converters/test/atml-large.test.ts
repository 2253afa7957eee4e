import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertStream } from '@tswats/converters';
import { generateLargeAtmlBatch } from './atml-generate.js';
import { FIXTURES } from './helpers.js';

/**
 * The streaming requirement: "a 200 MB ATML batch converts with peak memory under
 * 300 MB". Skipped unless TSWATS_LARGE=1 (it writes ~200 MB to the temp dir and takes a while):
 *
 *   TSWATS_LARGE=1 npx vitest run packages/converters/test/atml-large.test.ts
 *
 * The file repeats the TestResults elements of the real TestStand batch report fixture
 * (ATML_SAMPLE=<path> repeats another ATML file instead, e.g. the 170 KB production report).
 * Reports are consumed one at a time (as the station does) and the process's resident set
 * size is sampled every 10 ms and after every report.
 */
const LARGE = process.env.TSWATS_LARGE === '1';
const TARGET_BYTES = 200 * 1024 * 1024;
const PEAK_LIMIT = 300 * 1024 * 1024;
const SAMPLE = process.env.ATML_SAMPLE ?? join(FIXTURES, 'atml', 'Parallel Testing Strategies_BatchReport.6 45 31 AM..9 13 2022.xml');

describe.skipIf(!LARGE)('a 200 MB ATML batch streams (TSWATS_LARGE=1)', () => {
  it('converts every unit with peak RSS under 300 MB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tswats-atml-large-'));
    try {
      const gen = await generateLargeAtmlBatch(SAMPLE, TARGET_BYTES, join(dir, 'large-batch.xml'));
      expect(gen.bytes).toBeGreaterThanOrEqual(TARGET_BYTES);
      let peak = process.memoryUsage.rss();
      const sample = () => {
        peak = Math.max(peak, process.memoryUsage.rss());
      };
      const timer = setInterval(sample, 10);
      let count = 0;
      let lastSn = '';
      const started = Date.now();
      try {
        const stream = convertStream(gen.path, { timeZone: 'Europe/Oslo', stationName: 'LARGE', location: 'Test lab', partNumber: 'PTS-DEMO' });
        for await (const report of stream) {
          count++;
          lastSn = report.sn;
          sample();
        }
        expect(stream.format).toBe('atml');
      } finally {
        clearInterval(timer);
      }
      const seconds = (Date.now() - started) / 1000;
      console.log(`atml large: ${(gen.bytes / 1048576).toFixed(1)} MiB, ${count} reports in ${seconds.toFixed(1)} s, peak RSS ${(peak / 1048576).toFixed(1)} MiB`);
      expect(count).toBe(gen.units);
      expect(lastSn.endsWith(`-${String(gen.units).padStart(6, '0')}`)).toBe(true); // the last unit came through
      expect(peak).toBeLessThan(PEAK_LIMIT);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
