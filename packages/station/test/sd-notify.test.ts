/**
 * The systemd notifier against a real unix datagram socket bound by the test (what systemd
 * does with /run/systemd/notify), in this process and from a real child process.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystemdNotifier } from '../src/systemd/sd-notify.js';
import { tempDir, waitFor } from './helpers.js';

interface DgramSocket {
  on(event: 'error', listener: (err: Error) => void): void;
  bind(path: string): void;
  close(): void;
}
const unixDgram = createRequire(import.meta.url)('unix-dgram') as {
  createSocket(type: 'unix_dgram', listener: (buf: Buffer) => void): DgramSocket;
};

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./sd-notify.child.ts', import.meta.url));

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

/** A bound unix datagram socket that keeps every message it receives, like systemd's. */
async function notifySocket(): Promise<{ path: string; messages: string[] }> {
  const path = join(await tempDir('tswats-notify-'), 'notify.sock');
  const messages: string[] = [];
  const socket = unixDgram.createSocket('unix_dgram', (buf) => messages.push(buf.toString('utf8')));
  let error: Error | undefined;
  socket.on('error', (err) => (error = err));
  socket.bind(path);
  if (error) throw error;
  open.push(socket);
  return { path, messages };
}

function memoryLog(): { log: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

function notifier(env: Record<string, string>, isHealthy?: () => boolean) {
  const { log, lines } = memoryLog();
  const n = createSystemdNotifier({ env, log, ...(isHealthy ? { isHealthy } : {}) });
  open.push(n);
  return { n, lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const warnings = (lines: Array<{ level: number; msg: string }>) => lines.filter((l) => l.level === 40);

describe('createSystemdNotifier', () => {
  it('sends READY=1 with MAINPID and STATUS, then STATUS and STOPPING=1, to NOTIFY_SOCKET', async () => {
    const sock = await notifySocket();
    const { n, lines } = notifier({ NOTIFY_SOCKET: sock.path });
    expect(n.enabled).toBe(true);
    expect(n.watchdogIntervalMs).toBeUndefined();

    expect(n.ready('watching 2 folders\nqueue 0')).toBe(true);
    expect(n.status('uploading 3 reports')).toBe(true);
    expect(n.stopping()).toBe(true);
    await waitFor(() => sock.messages.length >= 3, 2000, 'three notifications');

    expect(sock.messages).toEqual([
      `READY=1\nMAINPID=${process.pid}\nSTATUS=watching 2 folders queue 0`,
      'STATUS=uploading 3 reports',
      'STOPPING=1',
    ]);
    expect(warnings(lines)).toEqual([]);
  });

  it('pings WATCHDOG=1 every half WATCHDOG_USEC while healthy, stops while unhealthy, and resumes', async () => {
    const sock = await notifySocket();
    let healthy = true;
    const { n, lines } = notifier({ NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '200000' }, () => healthy);
    expect(n.watchdogIntervalMs).toBe(100);

    await waitFor(() => sock.messages.filter((m) => m === 'WATCHDOG=1').length >= 3, 2000, 'three watchdog pings');

    healthy = false;
    await sleep(150);
    sock.messages.length = 0;
    await sleep(350);
    expect(sock.messages).toEqual([]);
    expect(warnings(lines).map((l) => l.msg)).toEqual([expect.stringContaining('watchdog pings stop')]);

    healthy = true;
    await waitFor(() => sock.messages.includes('WATCHDOG=1'), 2000, 'pings to resume');
  });

  it('treats an isHealthy that throws as unhealthy', async () => {
    const sock = await notifySocket();
    notifier({ NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '100000' }, () => {
      throw new Error('boom');
    });
    await sleep(300);
    expect(sock.messages).toEqual([]);
  });

  it('pings only for its own pid when WATCHDOG_PID is set', async () => {
    const sock = await notifySocket();
    const other = notifier({ NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '100000', WATCHDOG_PID: String(process.pid + 1) });
    expect(other.n.watchdogIntervalMs).toBeUndefined();
    await sleep(250);
    expect(sock.messages).toEqual([]);

    const own = notifier({ NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '100000', WATCHDOG_PID: String(process.pid) });
    expect(own.n.watchdogIntervalMs).toBe(50);
    await waitFor(() => sock.messages.includes('WATCHDOG=1'), 2000, 'a watchdog ping');
  });

  it('sends nothing after close(), and stops the watchdog', async () => {
    const sock = await notifySocket();
    const { n } = notifier({ NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '100000' });
    await waitFor(() => sock.messages.length > 0, 2000, 'a watchdog ping');
    n.close();
    await sleep(100);
    sock.messages.length = 0;
    expect(n.ready()).toBe(false);
    expect(n.watchdog()).toBe(false);
    await sleep(200);
    expect(sock.messages).toEqual([]);
  });

  it('is a silent no-op when NOTIFY_SOCKET is unset', () => {
    const { n, lines } = notifier({ WATCHDOG_USEC: '100000' });
    expect(n.enabled).toBe(false);
    expect(n.ready('x')).toBe(false);
    expect(n.stopping()).toBe(false);
    expect(n.status('x')).toBe(false);
    expect(n.watchdog()).toBe(false);
    expect(lines).toEqual([]);
  });

  it('turns itself off with one warning for an abstract or relative NOTIFY_SOCKET', () => {
    const abstract = notifier({ NOTIFY_SOCKET: '@tswats-test-notify' });
    expect(abstract.n.enabled).toBe(false);
    expect(abstract.n.ready()).toBe(false);
    expect(warnings(abstract.lines).map((l) => l.msg)).toEqual([expect.stringContaining('abstract socket')]);

    const relative = notifier({ NOTIFY_SOCKET: 'notify.sock' });
    expect(relative.n.enabled).toBe(false);
    expect(warnings(relative.lines)).toHaveLength(1);
  });

  it('warns once while the socket is missing, never throws, and recovers when it appears', async () => {
    const dir = await tempDir('tswats-notify-');
    const path = join(dir, 'later.sock');
    const { n, lines } = notifier({ NOTIFY_SOCKET: path });
    expect(n.enabled).toBe(true);
    expect(n.ready()).toBe(false);
    expect(n.status('still nobody')).toBe(false);
    expect(warnings(lines).map((l) => l.msg)).toEqual(['systemd notification failed']);

    const messages: string[] = [];
    const socket = unixDgram.createSocket('unix_dgram', (buf) => messages.push(buf.toString()));
    socket.bind(path);
    open.push(socket);
    expect(n.status('back')).toBe(true);
    await waitFor(() => messages.includes('STATUS=back'), 2000, 'the status message');
    expect(lines.some((l) => l.msg === 'systemd notification works again')).toBe(true);
  });

  it('works from a separate process, which still exits on its own', async () => {
    const sock = await notifySocket();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '100000', CHILD_RUN_MS: '400' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`child did not exit on its own; stderr: ${stderr}`));
      }, 10_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    await waitFor(() => sock.messages.includes('STOPPING=1'), 2000, 'STOPPING=1');

    expect(sock.messages[0]).toBe(`READY=1\nMAINPID=${child.pid}\nSTATUS=child up`);
    expect(sock.messages.filter((m) => m === 'WATCHDOG=1').length).toBeGreaterThanOrEqual(2);
    // The child never calls close(), so a watchdog ping may still come after these two.
    const stopping = sock.messages.indexOf('STATUS=child stopping');
    expect(sock.messages.slice(stopping, stopping + 2)).toEqual(['STATUS=child stopping', 'STOPPING=1']);
    const logged = stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; enabled?: boolean });
    expect(logged[0]).toMatchObject({ msg: 'child notifier created', enabled: true, watchdogIntervalMs: 50 });
    expect(logged.at(-1)?.msg).toBe('child done');
  });
});
