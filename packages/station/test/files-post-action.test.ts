import { randomUUID } from 'node:crypto';
import { access, link, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { statIdentity, type FileIdentity } from '../src/files/fs-utils.js';
import { openJournal } from '../src/files/journal.js';
import { moveFileNoClobber } from '../src/files/move.js';
import { freeName, numberedName } from '../src/files/names.js';
import { openPostActions, type FileErrorInfo, type FileIntent } from '../src/files/post-action.js';
import { writeZip } from '../src/files/zip.js';
import { tempDir } from './helpers.js';
import { names } from './pipeline-helpers.js';

async function file(path: string, content: string): Promise<FileIdentity> {
  await writeFile(path, content);
  return (await statIdentity(path))!;
}

const errorInfo = (file: string): FileErrorInfo => ({
  time: new Date().toISOString(),
  file,
  folder: 'in',
  converter: 'auto',
  format: 'wsjf',
  code: 'CONVERT_ERR_SYNTAX',
  reason: 'not valid JSON',
  position: { line: 3, column: 1 },
  message: `${file} (line 3:1): not valid JSON`,
});

/** /dev/shm is another file system than the temp folder on most Linux machines. */
async function otherDevice(): Promise<string | undefined> {
  try {
    await access('/dev/shm');
    const d = await mkdtemp('/dev/shm/tswats-xdev-');
    if ((await stat(d)).dev === (await stat(await tempDir())).dev) {
      await rm(d, { recursive: true, force: true });
      return undefined;
    }
    return d;
  } catch {
    return undefined;
  }
}

describe('collision-free names', () => {
  it('numbers the name before its extension', () => {
    expect(numberedName('run.log', 0)).toBe('run.log');
    expect(numberedName('run.log', 2)).toBe('run (2).log');
    expect(numberedName('run.log.zip', 1)).toBe('run.log (1).zip');
    expect(numberedName('README', 1)).toBe('README (1)');
  });

  it('skips names taken in the folder, by related names, or reserved', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'run.log'), 'x');
    await writeFile(join(dir, 'run (1).log.error.json'), 'x');
    expect(await freeName(dir, 'run.log')).toBe('run (1).log');
    expect(await freeName(dir, 'run.log', { related: (n) => [`${n}.error.json`] })).toBe('run (2).log');
    expect(await freeName(dir, 'run.log', { reserved: new Set([join(dir, 'run (1).log')]) })).toBe('run (2).log');
    expect(await freeName(join(dir, 'missing'), 'run.log')).toBe('run.log');
  });
});

describe('moveFileNoClobber', () => {
  it('never overwrites an existing target', async () => {
    const dir = await tempDir();
    await file(join(dir, 'a.txt'), 'new');
    await file(join(dir, 'b.txt'), 'old');
    await expect(moveFileNoClobber(join(dir, 'a.txt'), join(dir, 'b.txt'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(join(dir, 'b.txt'), 'utf8')).toBe('old');
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('new');
  });

  it('copies, fsyncs and unlinks when it must copy (the EXDEV path), keeping the modification time', async () => {
    const dir = await tempDir();
    const src = join(dir, 'a.txt');
    await file(src, 'content');
    await utimes(src, new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
    await moveFileNoClobber(src, join(dir, 'Done', 'a.txt'), { forceCopy: true });
    expect(await readFile(join(dir, 'Done', 'a.txt'), 'utf8')).toBe('content');
    expect((await stat(join(dir, 'Done', 'a.txt'))).mtime.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(await names(dir)).toEqual(['Done']);
    expect(await names(join(dir, 'Done'))).toEqual(['a.txt']);
  });

  it('moves across devices for real when a second file system is at hand', async (ctx) => {
    const other = await otherDevice();
    if (!other) return ctx.skip();
    try {
      const dir = await tempDir();
      await file(join(dir, 'a.txt'), 'across');
      await moveFileNoClobber(join(dir, 'a.txt'), join(other, 'Done', 'a.txt'));
      expect(await readFile(join(other, 'Done', 'a.txt'), 'utf8')).toBe('across');
      expect(await names(dir)).toEqual([]);
      expect(await names(join(other, 'Done'))).toEqual(['a.txt']);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe('writeZip', () => {
  it('streams files into a valid archive', async () => {
    const dir = await tempDir();
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'abcdefghij');
    await writeFile(join(dir, 'big.bin'), big);
    await writeFile(join(dir, 'small.txt'), 'small');
    await writeZip(join(dir, 'out.zip'), [
      { path: join(dir, 'big.bin'), name: 'big.bin' },
      { path: join(dir, 'small.txt'), name: 'sub/small.txt' },
    ]);
    const unzipped = unzipSync(new Uint8Array(await readFile(join(dir, 'out.zip'))));
    expect(Object.keys(unzipped).sort()).toEqual(['big.bin', 'sub/small.txt']);
    expect(Buffer.from(unzipped['big.bin']!).equals(big)).toBe(true);
    expect(Buffer.from(unzipped['sub/small.txt']!).toString()).toBe('small');
  });
});

describe('post-actions', () => {
  async function setup() {
    const root = await tempDir();
    const stateDir = join(root, 'state');
    const watch = join(root, 'in');
    const done = join(watch, 'Done');
    const error = join(watch, 'Error');
    await mkdir(watch, { recursive: true });
    return { root, stateDir, watch, done, error, pa: await openPostActions({ stateDir }) };
  }

  it('moves to Done, numbering the name when Done already has the file', async () => {
    const { watch, done, pa } = await setup();
    await mkdir(done);
    await writeFile(join(done, 'run.log'), 'earlier');
    const identity = await file(join(watch, 'run.log'), 'later');
    const out = await pa.postAction({ action: 'move', source: join(watch, 'run.log'), identity, targetDir: done, folder: 'in' });
    expect(out).toEqual({ status: 'done', target: join(done, 'run (1).log') });
    expect(await readFile(join(done, 'run.log'), 'utf8')).toBe('earlier');
    expect(await readFile(join(done, 'run (1).log'), 'utf8')).toBe('later');
    expect(await names(watch)).toEqual(['Done']);
    expect(pa.pendingCount).toBe(0);
  });

  it('zips into Done (with the companion folder) and removes the source', async () => {
    const { watch, done, pa } = await setup();
    const identity = await file(join(watch, 'dut.txt'), 'header');
    await mkdir(join(watch, 'dut'));
    await writeFile(join(watch, 'dut', 'curve.txt'), 'frq\tspl');
    const out = await pa.postAction({ action: 'zip', source: join(watch, 'dut.txt'), identity, targetDir: done, folder: 'in', companion: join(watch, 'dut') });
    expect(out.target).toBe(join(done, 'dut.txt.zip'));
    const unzipped = unzipSync(new Uint8Array(await readFile(out.target!)));
    expect(Object.keys(unzipped).sort()).toEqual(['dut.txt', 'dut/curve.txt']);
    expect(Buffer.from(unzipped['dut.txt']!).toString()).toBe('header');
    expect(await names(watch)).toEqual(['Done']);
    expect(await names(done)).toEqual(['dut.txt.zip']);
  });

  it('deletes, but never a different file that took the name', async () => {
    const { watch, pa } = await setup();
    const identity = await file(join(watch, 'a.txt'), 'one');
    expect((await pa.postAction({ action: 'delete', source: join(watch, 'a.txt'), identity, targetDir: '', folder: 'in' })).status).toBe('done');
    expect(await names(watch)).toEqual([]);
    const old = await file(join(watch, 'b.txt'), 'one');
    await rm(join(watch, 'b.txt'));
    await file(join(watch, 'b.txt'), 'a new, longer file');
    expect((await pa.postAction({ action: 'delete', source: join(watch, 'b.txt'), identity: old, targetDir: '', folder: 'in' })).status).toBe('source-changed');
    expect(await names(watch)).toEqual(['b.txt']);
  });

  it('keeps: recorded in the ledger across restarts until the file changes', async () => {
    const { watch, stateDir, pa } = await setup();
    const path = join(watch, 'k.txt');
    const identity = await file(path, 'v1');
    await pa.postAction({ action: 'keep', source: path, identity, targetDir: '', folder: 'in' });
    expect(pa.isKept(path, identity)).toBe(true);
    const again = await openPostActions({ stateDir });
    expect(again.isKept(path, await statIdentity(path))).toBe(true);
    await writeFile(path, 'v2, changed');
    expect(again.isKept(path, await statIdentity(path))).toBe(false);
    const third = await openPostActions({ stateDir }); // compaction drops the changed file
    expect(third.isKept(path, await statIdentity(path))).toBe(false);
  });

  it('moves a failed file to Error with <name>.error.json, never overwriting either', async () => {
    const { watch, error, pa } = await setup();
    await mkdir(error);
    await writeFile(join(error, 'bad.json'), 'older failure');
    await writeFile(join(error, 'bad (1).json.error.json'), '{"older":"sidecar"}');
    const source = join(watch, 'bad.json');
    const identity = await file(source, '{"type":');
    const out = await pa.moveToError({ source, identity, targetDir: error, folder: 'in', error: errorInfo(source) });
    expect(out.target).toBe(join(error, 'bad (2).json'));
    expect(out.sidecar).toBe(join(error, 'bad (2).json.error.json'));
    const sidecar = JSON.parse(await readFile(out.sidecar!, 'utf8'));
    expect(sidecar).toMatchObject({ code: 'CONVERT_ERR_SYNTAX', reason: 'not valid JSON', position: { line: 3, column: 1 }, converter: 'auto', file: source, movedTo: out.target });
    expect(typeof sidecar.time).toBe('string');
    expect(await readFile(join(error, 'bad.json'), 'utf8')).toBe('older failure');
    expect(await readFile(join(error, 'bad (1).json.error.json'), 'utf8')).toBe('{"older":"sidecar"}');
  });

  it('gives two same-named files finishing at once different names', async () => {
    const { root, done, pa } = await setup();
    await mkdir(join(root, 'a'));
    await mkdir(join(root, 'b'));
    const ia = await file(join(root, 'a', 'x.log'), 'a');
    const ib = await file(join(root, 'b', 'x.log'), 'b');
    const [oa, ob] = await Promise.all([
      pa.postAction({ action: 'move', source: join(root, 'a', 'x.log'), identity: ia, targetDir: done, folder: 'in' }),
      pa.postAction({ action: 'move', source: join(root, 'b', 'x.log'), identity: ib, targetDir: done, folder: 'in' }),
    ]);
    expect(new Set([oa.target, ob.target])).toEqual(new Set([join(done, 'x.log'), join(done, 'x (1).log')]));
    expect(await names(done)).toEqual(['x (1).log', 'x.log']);
  });
});

describe('post-action crash recovery', () => {
  /** Writes the intent a process killed mid-action would have left. */
  async function leftIntent(stateDir: string, intent: FileIntent): Promise<void> {
    const journal = await openJournal<FileIntent>(join(stateDir, 'journal'));
    await journal.write(intent);
  }
  const base = (source: string, identity: FileIdentity) => ({ id: randomUUID(), folder: 'in', source, identity, createdAt: new Date().toISOString() });

  it('completes a move killed after the link and before the unlink, without a second name', async () => {
    const root = await tempDir();
    const source = join(root, 'x.log');
    const identity = await file(source, 'data');
    await mkdir(join(root, 'Done'));
    const target = join(root, 'Done', 'x.log');
    await link(source, target); // the step before the crash
    await leftIntent(join(root, 'state'), { ...base(source, identity), kind: 'move', target, tmp: join(root, 'Done', '.x.log.t.tmp') });
    const pa = await openPostActions({ stateDir: join(root, 'state') });
    expect(pa.isPending(source)).toBe(true);
    const { completed, failed } = await pa.recover();
    expect(failed).toEqual([]);
    expect(completed).toHaveLength(1);
    expect(await names(root)).toEqual(['Done', 'state']);
    expect(await names(join(root, 'Done'))).toEqual(['x.log']);
    expect(await names(join(root, 'state', 'journal'))).toEqual([]);
    expect(pa.isPending(source)).toBe(false);
  });

  it('completes a move killed right after writing its intent, to the name the intent chose', async () => {
    const root = await tempDir();
    const source = join(root, 'x.log');
    const identity = await file(source, 'data');
    await mkdir(join(root, 'Done'));
    await leftIntent(join(root, 'state'), { ...base(source, identity), kind: 'move', target: join(root, 'Done', 'x (3).log'), tmp: join(root, 'Done', '.t.tmp') });
    await (await openPostActions({ stateDir: join(root, 'state') })).recover();
    expect(await names(join(root, 'Done'))).toEqual(['x (3).log']);
    expect(await names(root)).toEqual(['Done', 'state']);
  });

  it('completes a cross-device copy killed after the copy was in place', async () => {
    const root = await tempDir();
    const source = join(root, 'x.log');
    const identity = await file(source, 'data');
    const target = join(root, 'Done', 'x.log');
    await moveFileNoClobber(source, target, { forceCopy: true });
    await file(source, 'data'); // as if the unlink had not happened
    await utimes(source, new Date(identity.mtimeMs), new Date(identity.mtimeMs));
    const now = (await statIdentity(source))!;
    await leftIntent(join(root, 'state'), { ...base(source, now), kind: 'move', target, tmp: join(root, 'Done', '.t.tmp') });
    await (await openPostActions({ stateDir: join(root, 'state') })).recover();
    expect(await names(join(root, 'Done'))).toEqual(['x.log']);
    expect(await names(root)).toEqual(['Done', 'state']);
  });

  it('redoes a zip killed while writing the archive, once', async () => {
    const root = await tempDir();
    const source = join(root, 'x.log');
    const identity = await file(source, 'zip me');
    await mkdir(join(root, 'Done'));
    const tmp = join(root, 'Done', '.x.log.zip.crash.tmp');
    await writeFile(tmp, 'PK\x03\x04 half an archive');
    await leftIntent(join(root, 'state'), { ...base(source, identity), kind: 'zip', target: join(root, 'Done', 'x.log.zip'), tmp });
    await (await openPostActions({ stateDir: join(root, 'state') })).recover();
    expect(await names(join(root, 'Done'))).toEqual(['x.log.zip']);
    const unzipped = unzipSync(new Uint8Array(await readFile(join(root, 'Done', 'x.log.zip'))));
    expect(Buffer.from(unzipped['x.log']!).toString()).toBe('zip me');
    expect(await names(root)).toEqual(['Done', 'state']);
  });

  it('finishes a zip killed after the archive was in place: the source goes, the zip is not made again', async () => {
    const root = await tempDir();
    const source = join(root, 'x.log');
    const identity = await file(source, 'zip me');
    await mkdir(join(root, 'Done'));
    await writeZip(join(root, 'Done', 'x.log.zip'), [{ path: source, name: 'x.log' }]);
    await leftIntent(join(root, 'state'), { ...base(source, identity), kind: 'zip', target: join(root, 'Done', 'x.log.zip'), tmp: join(root, 'Done', '.t.tmp') });
    await (await openPostActions({ stateDir: join(root, 'state') })).recover();
    expect(await names(join(root, 'Done'))).toEqual(['x.log.zip']);
    expect(await names(root)).toEqual(['Done', 'state']);
  });

  it('writes the missing .error.json of a move to Error killed before it', async () => {
    const root = await tempDir();
    const source = join(root, 'bad.json');
    const identity = await file(source, '{');
    await mkdir(join(root, 'Error'));
    const target = join(root, 'Error', 'bad.json');
    await moveFileNoClobber(source, target);
    await leftIntent(join(root, 'state'), { ...base(source, identity), kind: 'error', target, tmp: join(root, 'Error', '.t.tmp'), sidecar: `${target}.error.json`, error: errorInfo(source) });
    await (await openPostActions({ stateDir: join(root, 'state') })).recover();
    expect(await names(join(root, 'Error'))).toEqual(['bad.json', 'bad.json.error.json']);
    expect(JSON.parse(await readFile(`${target}.error.json`, 'utf8'))).toMatchObject({ code: 'CONVERT_ERR_SYNTAX', position: { line: 3 } });
  });

  it('leaves alone a different file that took the name before recovery', async () => {
    const root = await tempDir();
    const source = join(root, 'x.log');
    const identity = await file(source, 'old');
    await rm(source);
    await file(source, 'a different, newer file');
    await leftIntent(join(root, 'state'), { ...base(source, identity), kind: 'move', target: join(root, 'Done', 'x.log'), tmp: join(root, 'Done', '.t.tmp') });
    await (await openPostActions({ stateDir: join(root, 'state') })).recover();
    expect(await names(root)).toEqual(['state', 'x.log']);
  });

  it('finishes a move that completed before the crash even when a new file has arrived under the old name', async () => {
    const root = await tempDir();
    const source = join(root, 'x.log');
    const identity = await file(source, 'first');
    const target = join(root, 'Done', 'x.log');
    await moveFileNoClobber(source, target);
    await file(source, 'the next run, a new file');
    await leftIntent(join(root, 'state'), { ...base(source, identity), kind: 'move', target, tmp: join(root, 'Done', '.t.tmp') });
    const { completed } = await (await openPostActions({ stateDir: join(root, 'state') })).recover();
    expect(completed).toHaveLength(1);
    expect(await names(join(root, 'Done'))).toEqual(['x.log']);
    expect(await readFile(target, 'utf8')).toBe('first');
    expect(await readFile(source, 'utf8')).toBe('the next run, a new file');
  });

  it('ignores the temp file of an intent whose write was interrupted', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'state', 'journal'), { recursive: true });
    await writeFile(join(root, 'state', 'journal', '.abc.json.1234.tmp'), '{"id":"abc","kin');
    const pa = await openPostActions({ stateDir: join(root, 'state') });
    expect(pa.pendingCount).toBe(0);
    expect(await names(join(root, 'state', 'journal'))).toEqual([]);
  });
});
