/**
 * What happens to a source file after its reports are durable in the upload queue (move to
 * Done, zip into Done, delete, keep), or after it failed (move to Error with a
 * `<name>.error.json` beside it). Every action except `keep` runs as a journaled intent:
 *
 *   1. pick a free target name (never overwriting; `run (1).log` when `run.log` is taken),
 *   2. write the intent (source, its identity, the target, the temp name) durably,
 *   3. act: link/copy/zip into place, then remove the source,
 *   4. remove the intent.
 *
 * Every step is idempotent given the intent, so a crash anywhere is completed at the next
 * start with the *same* target name: a file is post-actioned exactly once. `keep` records the
 * file in the keep ledger so it is not converted again until it changes.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { PostAction } from '../types.js';
import { errorCode, exists, fsyncDir, sameIdentity, statIdentity, unlinkIfExists, writeFileDurable, type FileIdentity } from './fs-utils.js';
import { openJournal, type Journal } from './journal.js';
import { openKeepLedger, type KeepLedger } from './ledger.js';
import { moveDirNoClobber, moveFileNoClobber, placeNoClobber } from './move.js';
import { freeName, stemOf } from './names.js';
import { writeZip, zipEntriesFor } from './zip.js';

/** Why a file failed: the content of `<name>.error.json` and of the pipeline's `failed` event. */
export interface FileErrorInfo {
  /** When it failed (ISO 8601). */
  time: string;
  /** The source file's path when it failed. */
  file: string;
  /** The watch folder's name. */
  folder: string;
  /** The configured converter (`auto`, a format name, or the user module's path). */
  converter: string;
  /** The format that was tried, when one was chosen. */
  format?: string;
  /** `CONVERT_ERR_*` from the converters, or `STATION_ERR_*` (timeout, worker crash, no reports). */
  code: string;
  /** The reason, without file and position. */
  reason: string;
  /** Line/column or element path of the problem, when known. */
  position?: { line?: number; column?: number; element?: string };
  /** One readable line: file, position and reason. */
  message: string;
}

interface IntentBase {
  id: string;
  /** Watch folder name (for logs). */
  folder: string;
  source: string;
  /** The source as it was converted: a different file at that path is never touched. */
  identity: FileIdentity;
  /** Klippel's companion folder, moved, zipped or deleted with the file. */
  companion?: { source: string; target?: string; tmp?: string };
  createdAt: string;
}

/** An unfinished post-action as stored in `<stateDir>/journal/<id>.json`. */
export type FileIntent =
  | (IntentBase & { kind: 'move'; target: string; tmp: string })
  | (IntentBase & { kind: 'zip'; target: string; tmp: string })
  | (IntentBase & { kind: 'delete' })
  | (IntentBase & { kind: 'error'; target: string; tmp: string; sidecar: string; error: FileErrorInfo });

/** One post-action to do. */
export interface PostActionRequest {
  action: PostAction;
  /** Absolute path of the source file. */
  source: string;
  /** Identity of the source as converted (from the stability check). */
  identity: FileIdentity;
  /** Folder that receives the file (`move`) or its `.zip` (`zip`). Unused for delete/keep. */
  targetDir: string;
  /** Watch folder name, for the journal and logs. */
  folder: string;
  /** Companion folder of the file (Klippel), handled with it. */
  companion?: string;
}

/** A failed source to move into `targetDir` (the Error folder) with its reason. */
export interface MoveToErrorRequest {
  source: string;
  identity: FileIdentity;
  targetDir: string;
  folder: string;
  companion?: string;
  error: FileErrorInfo;
}

/** How an action ended. */
export interface PostActionOutcome {
  /**
   * `done`; `source-missing` when the file vanished before we touched it; `source-changed`
   * when another file now has its name (left alone: it is a new file to convert).
   */
  status: 'done' | 'source-missing' | 'source-changed';
  /** Where the file (or its zip) went. */
  target?: string;
  /** The `.error.json` written (moveToError). */
  sidecar?: string;
}

/** Post-actions with their journal and keep ledger. */
export interface PostActions {
  postAction(req: PostActionRequest): Promise<PostActionOutcome>;
  moveToError(req: MoveToErrorRequest): Promise<PostActionOutcome>;
  /**
   * Completes every unfinished intent (from a crash, or one that failed earlier, e.g. a full
   * disk). Intents that fail again stay pending; their errors are returned.
   */
  recover(): Promise<{ completed: FileIntent[]; failed: { intent: FileIntent; error: unknown }[] }>;
  /** True while an unfinished intent owns this source path: it must not be converted again. */
  isPending(source: string): boolean;
  /** Number of unfinished intents. */
  readonly pendingCount: number;
  /** True when `path` was converted and kept (`keep`) and has not changed since. */
  isKept(path: string, identity: FileIdentity | undefined): boolean;
}

/** Options of {@link openPostActions}. */
export interface PostActionsOptions {
  /** State folder: `journal/` and `kept.jsonl` live here. */
  stateDir: string;
  /** Copy instead of link even on one device (tests of the cross-device path). */
  forceCopy?: boolean;
  /** Warnings about odd states found during recovery. */
  warn?: (message: string, details: Record<string, unknown>) => void;
}

export async function openPostActions(options: PostActionsOptions): Promise<PostActions> {
  const journal: Journal<FileIntent> = await openJournal<FileIntent>(join(options.stateDir, 'journal'));
  const ledger: KeepLedger = await openKeepLedger(join(options.stateDir, 'kept.jsonl'));
  const pending = new Map<string, FileIntent>();
  for (const intent of await journal.list()) pending.set(intent.id, intent);
  const warn = options.warn ?? (() => undefined);
  const forceCopy = options.forceCopy ?? false;

  const reserved = (): Set<string> => {
    const s = new Set<string>();
    for (const i of pending.values()) {
      if ('target' in i) s.add(i.target);
      if (i.kind === 'error') s.add(i.sidecar);
      if (i.companion?.target) s.add(i.companion.target);
    }
    return s;
  };
  const isPending = (source: string) => {
    for (const i of pending.values()) if (i.source === source) return true;
    return false;
  };

  /** Picks a free name in `dir` for `name` (with its sidecar/companion names) and the matching companion target. */
  const pickTarget = async (dir: string, name: string, opts: { sidecar: boolean; companion: boolean }) => {
    const chosen = await freeName(dir, name, {
      reserved: reserved(),
      related: (c) => [...(opts.sidecar ? [`${c}.error.json`] : []), ...(opts.companion ? [stemOf(c)] : [])],
    });
    return join(dir, chosen);
  };

  // Picking a name and registering the intent happen under one lock, so two files with the
  // same name finishing at once never pick the same target.
  let nameLock: Promise<unknown> = Promise.resolve();
  const register = (pick: () => Promise<FileIntent>): Promise<FileIntent> => {
    const run = nameLock.then(async () => {
      const intent = await pick();
      pending.set(intent.id, intent);
      return intent;
    });
    nameLock = run.catch(() => undefined);
    return run;
  };

  const start = async (pick: () => Promise<FileIntent>): Promise<PostActionOutcome> => {
    const intent = await register(pick);
    try {
      await journal.write(intent);
    } catch (err) {
      pending.delete(intent.id);
      throw err;
    }
    return finish(intent);
  };

  const finish = async (intent: FileIntent): Promise<PostActionOutcome> => {
    const outcome = await runIntent(intent); // throws: the intent stays pending for recover()
    await journal.remove(intent.id);
    pending.delete(intent.id);
    return outcome;
  };

  /** A target taken by someone else after we picked it: pick again, durably. */
  const retarget = async (intent: FileIntent & { target: string; tmp: string }) => {
    const old = intent.target;
    const base = intent.kind === 'zip' ? basename(old) : basename(intent.source);
    pending.delete(intent.id); // so its own old name does not count as reserved
    intent.target = await pickTarget(dirname(old), base, { sidecar: intent.kind === 'error', companion: !!intent.companion });
    intent.tmp = join(dirname(intent.target), `.${basename(intent.target)}.${intent.id}.tmp`);
    if (intent.kind === 'error') intent.sidecar = `${intent.target}.error.json`;
    if (intent.companion) intent.companion.target = join(dirname(intent.target), stemOf(basename(intent.target)));
    pending.set(intent.id, intent);
    await journal.write(intent);
    warn('target name was taken after it was chosen; using another', { from: old, to: intent.target });
  };

  const sourceState = async (intent: FileIntent): Promise<'same' | 'missing' | 'changed'> => {
    const now = await statIdentity(intent.source);
    if (!now) return 'missing';
    return sameIdentity(now, intent.identity) ? 'same' : 'changed';
  };

  const removeCompanion = async (intent: FileIntent) => {
    if (intent.companion) await rm(intent.companion.source, { recursive: true, force: true });
  };

  /** Moves the source to intent.target (no overwrite), whatever step a crash stopped at. */
  const completeMove = async (intent: FileIntent & { target: string; tmp: string }): Promise<PostActionOutcome['status']> => {
    for (;;) {
      const src = await statIdentity(intent.source);
      const dst = await statIdentity(intent.target);
      if (dst) {
        // Moved already (a new file may have arrived under the old name since: not ours).
        if (!src || !sameIdentity(src, intent.identity)) break;
        const linked = src.ino !== 0 && src.ino === dst.ino;
        const copied = dst.size === intent.identity.size; // a cross-device copy is linked into place only when complete
        if (linked || copied) {
          await unlinkIfExists(intent.source);
          await fsyncDir(dirname(intent.source));
          break;
        }
        await retarget(intent);
        continue;
      }
      if (!src) {
        warn('file vanished before it could be moved', { file: intent.source, target: intent.target });
        await unlinkIfExists(intent.tmp);
        return 'source-missing';
      }
      if (!sameIdentity(src, intent.identity)) {
        warn('a different file now has the name of the file to move; leaving it', { file: intent.source });
        await unlinkIfExists(intent.tmp);
        return 'source-changed';
      }
      try {
        await moveFileNoClobber(intent.source, intent.target, { tmp: intent.tmp, forceCopy });
        break;
      } catch (err) {
        if (errorCode(err) !== 'EEXIST') throw err;
        await retarget(intent);
      }
    }
    await unlinkIfExists(intent.tmp);
    if (intent.companion?.target && (await exists(intent.companion.source))) {
      if (await exists(intent.companion.target)) await removeCompanion(intent); // moved across devices, source removal interrupted
      else await moveDirNoClobber(intent.companion.source, intent.companion.target, intent.companion.tmp ?? `${intent.companion.target}.tmp`);
    }
    return 'done';
  };

  const completeZip = async (intent: FileIntent & { kind: 'zip' }): Promise<PostActionOutcome['status']> => {
    for (;;) {
      if (await exists(intent.target)) break; // the zip is complete (it is linked into place only after fsync)
      const state = await sourceState(intent);
      if (state !== 'same') {
        warn(state === 'missing' ? 'file vanished before it could be zipped' : 'a different file now has the name of the file to zip; leaving it', { file: intent.source });
        await unlinkIfExists(intent.tmp);
        return state === 'missing' ? 'source-missing' : 'source-changed';
      }
      await unlinkIfExists(intent.tmp); // a partial zip from a crash
      await mkdir(dirname(intent.tmp), { recursive: true });
      const companion = intent.companion && (await exists(intent.companion.source)) ? { path: intent.companion.source, name: basename(intent.companion.source) } : undefined;
      await writeZip(intent.tmp, await zipEntriesFor(intent.source, basename(intent.source), companion));
      try {
        await placeNoClobber(intent.tmp, intent.target);
        await fsyncDir(dirname(intent.target));
        break;
      } catch (err) {
        if (errorCode(err) !== 'EEXIST') throw err;
        await retarget(intent);
      }
    }
    await unlinkIfExists(intent.tmp);
    if ((await sourceState(intent)) === 'same') {
      await unlinkIfExists(intent.source);
      await removeCompanion(intent);
      await fsyncDir(dirname(intent.source));
    }
    return 'done';
  };

  const writeSidecar = async (intent: FileIntent & { kind: 'error' }) => {
    if (await exists(intent.sidecar)) return;
    const tmp = join(dirname(intent.sidecar), `.${basename(intent.sidecar)}.${intent.id}.tmp`);
    await writeFileDurable(tmp, `${JSON.stringify({ ...intent.error, movedTo: intent.target }, null, 2)}\n`);
    try {
      await placeNoClobber(tmp, intent.sidecar);
    } catch (err) {
      await unlinkIfExists(tmp);
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    await fsyncDir(dirname(intent.sidecar));
  };

  const runIntent = async (intent: FileIntent): Promise<PostActionOutcome> => {
    switch (intent.kind) {
      case 'delete': {
        const state = await sourceState(intent);
        if (state === 'same') {
          await unlinkIfExists(intent.source);
          await fsyncDir(dirname(intent.source));
        }
        if (state !== 'changed') await removeCompanion(intent);
        return { status: state === 'changed' ? 'source-changed' : 'done' };
      }
      case 'move':
        return { status: await completeMove(intent), target: intent.target };
      case 'zip':
        return { status: await completeZip(intent), target: intent.target };
      case 'error': {
        const status = await completeMove(intent);
        if (status !== 'done') return { status };
        await writeSidecar(intent);
        return { status, target: intent.target, sidecar: intent.sidecar };
      }
    }
  };

  const base = (req: { source: string; identity: FileIdentity; folder: string }) => ({
    id: randomUUID(),
    folder: req.folder,
    source: req.source,
    identity: req.identity,
    createdAt: new Date().toISOString(),
  });

  const companionFor = (companion: string | undefined, target: string | undefined, id: string) =>
    companion === undefined
      ? undefined
      : target === undefined
        ? { source: companion }
        : { source: companion, target: join(dirname(target), stemOf(basename(target))), tmp: join(dirname(target), `.${stemOf(basename(target))}.${id}.dir.tmp`) };

  return {
    async postAction(req) {
      if (req.action === 'keep') {
        await ledger.record(req.source, req.identity);
        return { status: 'done', target: req.source };
      }
      const b = base(req);
      if (req.action === 'delete') return start(async () => ({ ...b, kind: 'delete', companion: companionFor(req.companion, undefined, b.id) }));
      const action = req.action;
      return start(async () => {
        const name = action === 'zip' ? `${basename(req.source)}.zip` : basename(req.source);
        const target = await pickTarget(req.targetDir, name, { sidecar: false, companion: action === 'move' && req.companion !== undefined });
        const tmp = join(req.targetDir, `.${basename(target)}.${b.id}.tmp`);
        if (action === 'zip') return { ...b, kind: 'zip', target, tmp, companion: companionFor(req.companion, undefined, b.id) };
        return { ...b, kind: 'move', target, tmp, companion: companionFor(req.companion, target, b.id) };
      });
    },
    async moveToError(req) {
      const b = base(req);
      return start(async () => {
        const target = await pickTarget(req.targetDir, basename(req.source), { sidecar: true, companion: req.companion !== undefined });
        const tmp = join(req.targetDir, `.${basename(target)}.${b.id}.tmp`);
        return { ...b, kind: 'error', target, tmp, sidecar: `${target}.error.json`, error: req.error, companion: companionFor(req.companion, target, b.id) };
      });
    },
    async recover() {
      const completed: FileIntent[] = [];
      const failed: { intent: FileIntent; error: unknown }[] = [];
      for (const intent of [...pending.values()]) {
        try {
          await finish(intent);
          completed.push(intent);
        } catch (error) {
          failed.push({ intent, error });
        }
      }
      return { completed, failed };
    },
    isPending,
    get pendingCount() {
      return pending.size;
    },
    isKept: (path, identity) => ledger.has(path, identity),
  };
}
