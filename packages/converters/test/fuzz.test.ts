import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convert, ConversionError } from '@tswats/converters';
import { listFixtures, rng } from './helpers.js';

/**
 * Mutates every fixture (truncation, byte flips, deleted lines) and checks that only typed
 * ConversionErrors come out (or a valid conversion), and that nothing hangs.
 */
const MUTATIONS_PER_FILE = 8;
const HANG_LIMIT_MS = 10_000;

function mutate(bytes: Uint8Array, random: () => number, kind: number): Uint8Array {
  const b = Uint8Array.from(bytes);
  if (b.length === 0) return b;
  switch (kind % 4) {
    case 0: // truncate somewhere
      return b.subarray(0, Math.floor(random() * b.length));
    case 1: {
      // flip a few bytes
      for (let i = 0; i < 1 + Math.floor(random() * 8); i++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
      return b;
    }
    case 2: {
      // delete a few lines
      const lines = Buffer.from(b).toString('latin1').split('\n');
      for (let i = 0; i < 1 + Math.floor(random() * 5) && lines.length > 1; i++) lines.splice(Math.floor(random() * lines.length), 1);
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    default: {
      // duplicate a slice into the middle
      const from = Math.floor(random() * b.length);
      const slice = b.subarray(from, from + Math.floor(random() * 200));
      const at = Math.floor(random() * b.length);
      return Buffer.concat([b.subarray(0, at), slice, b.subarray(at)]);
    }
  }
}

async function withinLimit<T>(p: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no answer within ${HANG_LIMIT_MS} ms (hang?)`)), HANG_LIMIT_MS);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

describe('malformed input gives typed errors, never a crash or a hang', () => {
  it.each(listFixtures().map((f) => [`${f.format}/${f.name}`, f] as const))('%s', async (_label, f) => {
    const original = new Uint8Array(readFileSync(f.path));
    const random = rng(0x7a5 + original.length);
    for (let i = 0; i < MUTATIONS_PER_FILE; i++) {
      const bytes = mutate(original, random, i);
      for (const format of [f.format, undefined]) {
        const label = `${f.name} mutation ${i}${format ? ` as ${format}` : ' detected'}`;
        try {
          const res = await withinLimit(convert({ bytes, name: f.name }, { ...f.options, format }), label);
          expect(res.reports.length, label).toBeGreaterThan(0);
        } catch (err) {
          if (!(err instanceof ConversionError)) throw new Error(`${label}: untyped ${String((err as Error)?.stack ?? err)}`);
          expect(err.file, label).toBe(f.name);
          expect(err.reason.length, label).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('inputs that are not test results', () => {
  it.each([
    ['empty', new Uint8Array(), 'CONVERT_ERR_EMPTY'],
    ['binary', Uint8Array.from([0, 1, 2, 3, 0, 255, 0, 7, 8, 0]), 'CONVERT_ERR_BINARY'],
    ['unknown text', Buffer.from('hello, world\nthis is not a tester log\n'), 'CONVERT_ERR_NO_CONVERTER'],
  ] as const)('%s input is refused with %s', async (_label, bytes, code) => {
    const err = await convert({ bytes, name: 'input.dat' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConversionError);
    expect((err as ConversionError).code).toBe(code);
    expect((err as ConversionError).message).toMatch(/^input\.dat/);
  });

  it('an unknown --format is named', async () => {
    const err = await convert({ bytes: Buffer.from('{}'), name: 'x.json' }, { format: 'nope' }).catch((e: unknown) => e);
    expect((err as ConversionError).code).toBe('CONVERT_ERR_UNKNOWN_FORMAT');
    expect((err as ConversionError).reason).toMatch(/"nope"/);
  });

  it('XML with an entity declaration is refused before parsing', async () => {
    const { assertSafeXml } = await import('@tswats/converters');
    const bomb = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>';
    expect(() => assertSafeXml(bomb, 'bomb.xml')).toThrow(ConversionError);
    expect(() => assertSafeXml('<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>', 'xxe.xml')).toThrow(/XXE/);
    expect(() => assertSafeXml('<?xml version="1.0"?><r a="1"/>', 'ok.xml')).not.toThrow();
  });
});
