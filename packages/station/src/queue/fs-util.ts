/**
 * File-system helpers of the queue store: a batched directory fsync ("group commit"), a
 * complete vectored write, and bounded parallelism for scanning a large queue directory.
 */
import { open, type FileHandle } from 'node:fs/promises';

/**
 * fsync of one directory, shared by concurrent writers ("group commit"): a caller waits for
 * a directory fsync that started after its call, but one fsync serves every caller that
 * arrived while the previous one ran.
 */
export class DirSyncer {
  private handle: FileHandle | undefined;
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  static async open(dir: string): Promise<DirSyncer> {
    const s = new DirSyncer();
    try {
      s.handle = await open(dir, 'r');
    } catch {
      // Windows cannot open a directory; NTFS journals the rename itself.
      s.handle = undefined;
    }
    return s;
  }

  sync(): Promise<void> {
    if (!this.handle) return Promise.resolve();
    if (this.next) return this.next;
    if (this.current) {
      const after = this.current.then(noop, noop).then(() => {
        this.next = undefined;
        return this.start();
      });
      this.next = after;
      return after;
    }
    return this.start();
  }

  private start(): Promise<void> {
    const handle = this.handle;
    if (!handle) return Promise.resolve();
    const p: Promise<void> = handle.sync().then(
      () => {
        if (this.current === p) this.current = undefined;
      },
      (err: NodeJS.ErrnoException) => {
        if (this.current === p) this.current = undefined;
        // Some file systems cannot fsync a directory at all; then there is nothing to wait for.
        if (err.code === 'EINVAL' || err.code === 'ENOTSUP' || err.code === 'EPERM' || err.code === 'EBADF') {
          this.handle = undefined;
          return;
        }
        throw err;
      },
    );
    this.current = p;
    return p;
  }

  async close(): Promise<void> {
    await (this.next ?? this.current)?.catch(noop);
    const h = this.handle;
    this.handle = undefined;
    await h?.close().catch(noop);
  }
}

export function noop(): void {}

export function isNodeError(err: unknown, ...codes: string[]): boolean {
  return err instanceof Error && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

export async function writeAll(fh: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers.filter((b) => b.length > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest);
    let n = bytesWritten;
    const left: Buffer[] = [];
    for (const b of rest) {
      if (n >= b.length) n -= b.length;
      else {
        left.push(n > 0 ? b.subarray(n) : b);
        n = 0;
      }
    }
    rest = left;
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
