/**
 * Helpers of the upload queue tests: a queue config with fast retries, reports from the SDK
 * builder, queues and stores that are closed after each test (before the simulator is).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import pino from 'pino';
import type { WatsClient } from '@tswats/sdk';
import type { QueueConfig } from '../src/types.js';
import { openQueueStore, openUploadQueue, type QueueStoreHandle, type UploadQueue } from '../src/queue/index.js';

export { queueConfig, uut } from './queue-fixtures.js';

const open: { close(): Promise<void> }[] = [];

// Registered after helpers.ts's hooks, so (hooks run as a stack) queues close before the sim does.
afterEach(async () => {
  for (const q of open.splice(0).reverse()) await q.close();
});

export const silentLog = pino({ level: 'silent' });

/** Opens an upload queue that is closed (grace 0) after the test. */
export async function testQueue(client: WatsClient, config: QueueConfig, pingIntervalMs = 0): Promise<UploadQueue> {
  const q = await openUploadQueue({ config, client, log: silentLog, pingIntervalMs });
  open.push({ close: () => q.close({ graceMs: 0 }) });
  return q;
}

/** Opens the store alone, closed after the test. */
export async function testStore(dir: string): Promise<QueueStoreHandle> {
  const s = await openQueueStore(dir);
  open.push(s);
  return s;
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Runs queue-crash-child.ts with `args` and SIGKILLs it as soon as `enough(lines)` is true
 * for the lines it printed so far. Returns those lines (every one was printed before the kill).
 */
export async function runChildUntilKilled(args: string[], enough: (lines: string[]) => boolean, timeoutMs = 10_000): Promise<string[]> {
  const script = fileURLToPath(new URL('./queue-crash-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tswats/source', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the child made too little progress: ${stderr}`)), timeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop()!;
        lines.push(...parts.filter(Boolean));
        if (enough(lines)) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        reject(new Error(`the child exited on its own: ${stderr}`));
      });
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  return [...lines];
}
