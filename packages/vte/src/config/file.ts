/** Reads a VTE config file (JSON): the whole file, or its `vte` section when it has one. */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { VteConfigError } from '../errors.js';
import { resolveVteConfig, type ResolveVteConfigOptions, type ResolvedVteConfig } from './resolve.js';

export async function loadVteConfigFile(file: string, options: Omit<ResolveVteConfigOptions, 'baseDir' | 'source'> = {}): Promise<ResolvedVteConfig> {
  const path = resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new VteConfigError([{ path: '(file)', message: e.code ? `cannot read ${path}: ${e.code}` : `not valid JSON: ${e.message}` }], path);
  }
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'vte' in raw) raw = (raw as { vte: unknown }).vte;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && '$schema' in raw) {
    const { $schema: _ignored, ...rest } = raw as Record<string, unknown>;
    raw = rest;
  }
  return resolveVteConfig(raw, { ...options, baseDir: dirname(path), source: path });
}
