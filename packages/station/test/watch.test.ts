import { appendFile, mkdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFolderFilter } from '../src/watch/filter.js';
import { createFolderWatcher, type FolderWatcher } from '../src/watch/folder-watcher.js';
import { isInCompanionFolder, scanFolder } from '../src/watch/scan.js';
import { createStabilityTracker, type StabilityTracker, type StableFile } from '../src/watch/stability.js';
import { tempDir, waitFor } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function filterFor(root: string, opts: { recursive?: boolean; include?: string[]; exclude?: string[] } = {}) {
  return createFolderFilter({
    root,
    include: opts.include ?? [],
    exclude: opts.exclude ?? [],
    recursive: opts.recursive ?? false,
    excludedDirs: [join(root, 'Done'), join(root, 'Error'), join(root, 'nested-watch')],
  });
}

describe('folder filter', () => {
  it('never accepts dotfiles, sidecars, temp files or anything in Done/Error', () => {
    const f = filterFor('/w', { recursive: true });
    expect(f.accepts('/w/run.xml')).toBe(true);
    expect(f.accepts('/w/sub/run.xml')).toBe(true);
    for (const p of ['/w/.hidden.xml', '/w/.git/x.xml', '/w/run.xml.error.json', '/w/run.tmp', '/w/run.xml.part', '/w/~$run.xlsx', '/w/run.xml~', '/w/Done/run.xml', '/w/Error/x/run.xml', '/w/nested-watch/a.xml', '/elsewhere/run.xml', '/w']) {
      expect(f.accepts(p), p).toBe(false);
    }
    expect(f.isIgnored('/w/Done', true)).toBe(true);
    expect(f.isIgnored('/w', true)).toBe(false);
  });

  it('takes only files directly in the folder unless recursive', () => {
    const f = filterFor('/w');
    expect(f.accepts('/w/a.txt')).toBe(true);
    expect(f.accepts('/w/sub/a.txt')).toBe(false);
    expect(f.isIgnored('/w/sub', true)).toBe(true);
  });

  it('applies include and exclude globs to the relative path', () => {
    const f = filterFor('/w', { recursive: true, include: ['*.xml', 'logs/**/*.log'], exclude: ['*-draft.*'] });
    expect(f.accepts('/w/a/b.xml')).toBe(true);
    expect(f.accepts('/w/logs/x/y.log')).toBe(true);
    expect(f.accepts('/w/y.log')).toBe(false);
    expect(f.accepts('/w/a-draft.xml')).toBe(false);
  });
});

describe('scanFolder', () => {
  it('lists input files oldest first, skipping Done/Error, hidden, sidecars and companion folders', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'Done'));
    await mkdir(join(root, 'sub'));
    await mkdir(join(root, 'dut'));
    await writeFile(join(root, 'new.txt'), 'n');
    await writeFile(join(root, 'old.txt'), 'o');
    await writeFile(join(root, 'sub', 'mid.txt'), 'm');
    await writeFile(join(root, 'dut.txt'), 'klippel header');
    await writeFile(join(root, 'dut', 'curve.txt'), 'companion data');
    await writeFile(join(root, 'Done', 'done.txt'), 'd');
    await writeFile(join(root, '.hidden'), 'h');
    await writeFile(join(root, 'x.txt.error.json'), '{}');
    const t = Date.now() / 1000;
    await utimes(join(root, 'old.txt'), t - 300, t - 300);
    await utimes(join(root, 'sub', 'mid.txt'), t - 200, t - 200);
    await utimes(join(root, 'dut.txt'), t - 100, t - 100);
    const rel = (files: { path: string }[]) => files.map((f) => f.path.slice(root.length + 1));
    expect(rel(await scanFolder(filterFor(root, { recursive: true })))).toEqual(['old.txt', 'sub/mid.txt', 'dut.txt', 'new.txt']);
    expect(rel(await scanFolder(filterFor(root)))).toEqual(['old.txt', 'dut.txt', 'new.txt']);
    expect(await isInCompanionFolder(root, join(root, 'dut', 'curve.txt'))).toBe(true);
    expect(await isInCompanionFolder(root, join(root, 'sub', 'mid.txt'))).toBe(false);
  });
});

describe('stability tracker', () => {
  let tracker: StabilityTracker | undefined;
  afterEach(() => tracker?.close());

  it('hands on a file written in chunks once, after the last chunk', async () => {
    const dir = await tempDir();
    const path = join(dir, 'slow.txt');
    const seen: { file: StableFile; size: number }[] = [];
    tracker = createStabilityTracker({ onStable: (files) => files.forEach((file) => seen.push({ file, size: file.identity.size })) });
    await writeFile(path, '');
    tracker.track(path, 300);
    for (let i = 0; i < 10; i++) {
      await appendFile(path, `chunk ${i}\n`.padEnd(100, '.'));
      await sleep(150);
    }
    const finalSize = (await stat(path)).size;
    await waitFor(() => seen.length > 0, 5000, 'the file to settle');
    await sleep(500);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.size).toBe(finalSize);
  });

  it('hands on files tracked together in one batch, and reports files that vanish', async () => {
    const dir = await tempDir();
    const batches: string[][] = [];
    const gone: string[] = [];
    tracker = createStabilityTracker({ onStable: (files) => batches.push(files.map((f) => f.path).sort()), onGone: (p) => gone.push(p) });
    for (const n of ['a', 'b', 'c', 'd']) await writeFile(join(dir, n), n);
    for (const n of ['a', 'b', 'c', 'd']) tracker.track(join(dir, n), 100);
    await rm(join(dir, 'd'));
    await waitFor(() => batches.length > 0 && gone.length > 0, 5000);
    expect(batches).toEqual([[join(dir, 'a'), join(dir, 'b'), join(dir, 'c')]]);
    expect(gone).toEqual([join(dir, 'd')]);
    expect(tracker.size).toBe(0);
  });

  it('waits for a Klippel companion folder to settle too', async () => {
    const dir = await tempDir();
    const seen: string[] = [];
    tracker = createStabilityTracker({ onStable: (files) => seen.push(...files.map((f) => f.path)) });
    await mkdir(join(dir, 'dut'));
    await writeFile(join(dir, 'dut.txt'), 'header');
    tracker.track(join(dir, 'dut.txt'), 250);
    for (let i = 0; i < 5; i++) {
      await writeFile(join(dir, 'dut', `curve-${i}.txt`), 'data');
      await sleep(120);
      expect(seen).toEqual([]);
    }
    await waitFor(() => seen.length === 1, 5000);
  });
});

describe('folder watcher', () => {
  const watchers: FolderWatcher[] = [];
  afterEach(async () => {
    for (const w of watchers.splice(0)) await w.close();
  });

  for (const pollIntervalMs of [0, 100]) {
    it(`reports new and moved-in files, not ignored ones (${pollIntervalMs ? 'polling' : 'OS events'})`, async () => {
      const root = await tempDir();
      const outside = await tempDir();
      const filter = filterFor(root);
      const w = createFolderWatcher({ root, recursive: false, pollIntervalMs, isIgnored: filter.isIgnored });
      watchers.push(w);
      const files = new Set<string>();
      w.on('file', (p: string) => files.add(p));
      await w.ready;
      await writeFile(join(root, 'new.txt'), 'n');
      await writeFile(join(outside, 'moved.txt'), 'm');
      await rename(join(outside, 'moved.txt'), join(root, 'moved.txt'));
      await writeFile(join(root, '.hidden'), 'h');
      await mkdir(join(root, 'Done'));
      await writeFile(join(root, 'Done', 'x.txt'), 'x');
      await waitFor(() => files.has(join(root, 'new.txt')) && files.has(join(root, 'moved.txt')), 5000, 'watcher events');
      await sleep(300);
      expect([...files].sort()).toEqual([join(root, 'moved.txt'), join(root, 'new.txt')]);
    });
  }
});
