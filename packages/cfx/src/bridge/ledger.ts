/**
 * The effect ledger: which WATS calls are done. A message is settled only after all its calls
 * succeeded, so after a crash or broker reconnect it comes again; the ledger lets the bridge
 * skip what already happened (an asset log entry or a child unit is not idempotent at WATS).
 *
 * On disk: `<dataDir>/effects.log`, one key per line, appended as each call succeeds
 * (written, not fsynced per line: an OS crash may forget the last few, and those calls are then
 * made twice, which for reports is harmless since their ids are deterministic). Compacted to the
 * newest `maxEntries` keys when it grows past twice that (temp file, fsync, rename).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface EffectLedger {
  has(key: string): boolean;
  add(key: string): void;
  readonly size: number;
  close(): void;
}

/** An in-memory ledger (no dataDir): protects against redeliveries within one process lifetime. */
export function memoryLedger(maxEntries = 200_000): EffectLedger {
  const keys = new Set<string>();
  return {
    has: (k) => keys.has(k),
    add(k) {
      if (keys.has(k)) return;
      keys.add(k);
      if (keys.size > maxEntries) {
        const oldest = keys.values().next().value;
        if (oldest !== undefined) keys.delete(oldest);
      }
    },
    get size() {
      return keys.size;
    },
    close() {},
  };
}

/** A ledger persisted in `dir`. Throws when the folder cannot be created or written. */
export function fileLedger(dir: string, maxEntries = 200_000): EffectLedger {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'effects.log');
  const keys = new Set<string>();
  let lines = 0;
  try {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line === '') continue;
      keys.delete(line);
      keys.add(line);
      lines++;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  let fd = openSync(path, 'a');

  const compact = () => {
    const keep = [...keys].slice(-maxEntries);
    keys.clear();
    for (const k of keep) keys.add(k);
    const tmp = `${path}.tmp`;
    const t = openSync(tmp, 'w');
    try {
      writeSync(t, keep.length ? `${keep.join('\n')}\n` : '');
      fsyncSync(t);
    } finally {
      closeSync(t);
    }
    closeSync(fd);
    renameSync(tmp, path);
    fd = openSync(path, 'a');
    lines = keep.length;
  };
  if (lines > 2 * maxEntries) compact();

  return {
    has: (k) => keys.has(k),
    add(k) {
      if (keys.has(k)) return;
      if (k.includes('\n')) throw new Error('ledger key with a newline');
      keys.add(k);
      writeSync(fd, `${k}\n`);
      if (++lines > 2 * maxEntries) compact();
    },
    get size() {
      return keys.size;
    },
    close() {
      try {
        fsyncSync(fd);
        closeSync(fd);
      } catch {
        /* already closed */
      }
    },
  };
}
