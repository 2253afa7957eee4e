import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convert } from '@tswats/converters';
import { listFixtures, FIXTURE_OPTIONS } from './helpers.js';

/**
 * Every streaming XML reader runs the fast tokenizer first and reads the file again with saxes
 * when it meets something outside its subset (src/xml-read.ts). The two ways must give the same
 * reports and the same warnings, told once: a lone CR (saxes accepts it, the fast tokenizer
 * leaves it to saxes) makes the fast pass bail at the very start, or only at the very end, after
 * it has handed out every unit (the saxes pass must then skip them all).
 */
const READERS = new Set(['atml', 'seica-viva', 'teststand-xml', 'teststand-wats-dump', 'wsxf']);

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('fast pass and saxes fallback read the same', () => {
  for (const f of listFixtures().filter((x) => READERS.has(x.format))) {
    it(`${f.format}/${f.name}`, async () => {
      const bytes = new Uint8Array(readFileSync(f.path));
      const options = { ...FIXTURE_OPTIONS, ...f.options, format: f.format };
      const plain = await convert({ bytes, name: f.name }, options);
      const messages = (r: typeof plain) => r.warnings.map((w) => w.message);

      // Bails at the end: every unit was handed out by the fast pass.
      const atEnd = await convert({ bytes: concat(bytes, Uint8Array.of(0x0d)), name: f.name }, options);
      expect(atEnd.reports).toEqual(plain.reports);
      expect(atEnd.warnings).toEqual(plain.warnings);

      // Bails at once (a lone CR right after the XML declaration): saxes reads it all.
      const text = Buffer.from(bytes).toString('latin1');
      const declEnd = text.indexOf('?>');
      if (/^(\xEF\xBB\xBF)?<\?xml/.test(text) && declEnd > 0) {
        const at = declEnd + 2;
        const early = await convert({ bytes: concat(bytes.subarray(0, at), Uint8Array.of(0x0d), bytes.subarray(at)), name: f.name }, options);
        expect(early.reports).toEqual(plain.reports);
        // Lines after the CR count one more; the messages are the same.
        expect(messages(early)).toEqual(messages(plain));
      }
    });
  }
});
