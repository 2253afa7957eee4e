/**
 * systemd service notification (sd_notify(3)) without libsystemd: datagrams to the unix
 * socket named by NOTIFY_SOCKET, sent with the optional native `unix-dgram` package
 * (Node has no unix datagram sockets of its own).
 *
 * With `Type=notify` systemd waits for READY=1 before it calls the unit started, and with
 * `WatchdogSec=` it kills and restarts the service unless WATCHDOG=1 arrives in time. The
 * notifier sends WATCHDOG=1 every half period, but only while `isHealthy()` says so: a
 * stuck event loop sends nothing (the timer cannot fire) and an unhealthy service stops
 * sending on purpose, and systemd restarts it either way.
 *
 * Everything here is a no-op when NOTIFY_SOCKET is unset (not started by systemd, or in a
 * container), and it never keeps the process alive: timers are unref'd and each message
 * uses a socket that is closed straight after sending.
 */
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

export interface SystemdNotifierOptions {
  /** Where NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID are read. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where problems are reported (one warning each, then debug). */
  log: Logger;
  /** Asked before every watchdog ping; false (or a throw) skips the ping. @default always healthy */
  isHealthy?: () => boolean;
}

export interface SystemdNotifier {
  /** True when NOTIFY_SOCKET is set and usable; every method is a no-op otherwise. */
  readonly enabled: boolean;
  /** The watchdog ping interval (ms, half of WATCHDOG_USEC), or undefined when systemd watches nothing. */
  readonly watchdogIntervalMs: number | undefined;
  /** Tells systemd start-up is complete (READY=1, MAINPID, optionally STATUS). Returns whether it was sent. */
  ready(status?: string): boolean;
  /** Tells systemd the service is shutting down (STOPPING=1). */
  stopping(): boolean;
  /** A one-line status shown by `systemctl status` (STATUS=...). */
  status(text: string): boolean;
  /** Sends one watchdog ping now (WATCHDOG=1), healthy or not. */
  watchdog(): boolean;
  /** Stops the watchdog timer; later calls send nothing. */
  close(): void;
}

/** The part of unix-dgram's socket that is used here (the package ships no types). */
interface UnixDgramSocket {
  on(event: 'error', listener: (err: Error) => void): unknown;
  send(buf: Buffer, offset: number, length: number, path: string, callback: (err?: Error) => void): void;
  close(): void;
}
interface UnixDgram {
  createSocket(type: 'unix_dgram'): UnixDgramSocket;
}

let unixDgram: UnixDgram | Error | undefined;

/** Loads the native addon once; an Error when it is not installed or not built for this platform. */
function loadUnixDgram(): UnixDgram | Error {
  if (unixDgram === undefined) {
    try {
      unixDgram = createRequire(import.meta.url)('unix-dgram') as UnixDgram;
    } catch (err) {
      unixDgram = err instanceof Error ? err : new Error(String(err));
    }
  }
  return unixDgram;
}

const disabled = (watchdogIntervalMs?: number): SystemdNotifier => ({
  enabled: false,
  watchdogIntervalMs,
  ready: () => false,
  stopping: () => false,
  status: () => false,
  watchdog: () => false,
  close: () => {},
});

/** Creates the notifier; reads the environment once. */
export function createSystemdNotifier(options: SystemdNotifierOptions): SystemdNotifier {
  const env = options.env ?? process.env;
  const log = options.log;
  const socketPath = env.NOTIFY_SOCKET;
  if (!socketPath) return disabled();

  if (socketPath.startsWith('@')) {
    // unix-dgram copies the path with strncpy, which stops at the leading NUL byte of an
    // abstract address; systemd itself always uses a path (/run/systemd/notify).
    log.warn({ notifySocket: socketPath }, 'systemd notification off: NOTIFY_SOCKET is an abstract socket, which is not supported');
    return disabled();
  }
  if (!socketPath.startsWith('/')) {
    log.warn({ notifySocket: socketPath }, 'systemd notification off: NOTIFY_SOCKET is not an absolute socket path');
    return disabled();
  }
  const dgram = loadUnixDgram();
  if (dgram instanceof Error) {
    log.warn(
      { err: dgram },
      'systemd notification off: the optional package unix-dgram is not available (reinstall with build tools, or use Type=simple without WatchdogSec)',
    );
    return disabled();
  }

  let failing = false;
  const send = (message: string): boolean => {
    let error: unknown;
    let socket: UnixDgramSocket | undefined;
    try {
      socket = dgram.createSocket('unix_dgram');
      socket.on('error', (err) => (error ??= err));
      const buf = Buffer.from(message, 'utf8');
      // unix-dgram sends within the call and runs the callback before returning.
      socket.send(buf, 0, buf.length, socketPath, (err) => (error ??= err));
    } catch (err) {
      error ??= err;
    } finally {
      // An open unix-dgram socket keeps the event loop alive; never leave one behind.
      try {
        socket?.close();
      } catch {
        // closing a socket that failed to send; nothing more to do
      }
    }
    if (error !== undefined) {
      // Warn once per outage; a broken socket would otherwise log every watchdog period.
      if (!failing) log.warn({ err: error, notifySocket: socketPath }, 'systemd notification failed');
      else log.debug({ err: error }, 'systemd notification failed again');
      failing = true;
      return false;
    }
    if (failing) log.info('systemd notification works again');
    failing = false;
    return true;
  };

  const watchdogIntervalMs = watchdogInterval(env);
  let closed = false;
  let skipping = false;
  let timer: NodeJS.Timeout | undefined;
  if (watchdogIntervalMs !== undefined) {
    timer = setInterval(() => {
      let healthy: boolean;
      try {
        healthy = options.isHealthy ? options.isHealthy() : true;
      } catch {
        healthy = false;
      }
      if (healthy) {
        if (skipping) log.info('service healthy again: systemd watchdog pings resume');
        skipping = false;
        send('WATCHDOG=1');
      } else if (!skipping) {
        skipping = true;
        log.warn('service unhealthy: systemd watchdog pings stop, so systemd will restart the service');
      }
    }, watchdogIntervalMs);
    timer.unref();
  }

  const guarded = (message: string) => (closed ? false : send(message));
  return {
    enabled: true,
    watchdogIntervalMs,
    ready: (status) => guarded(['READY=1', `MAINPID=${process.pid}`, ...(status ? [`STATUS=${oneLine(status)}`] : [])].join('\n')),
    stopping: () => guarded('STOPPING=1'),
    status: (text) => guarded(`STATUS=${oneLine(text)}`),
    watchdog: () => guarded('WATCHDOG=1'),
    close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

/**
 * Half the watchdog period systemd asked for, or undefined when there is no watchdog or it
 * is meant for another process (WATCHDOG_PID, as sd_watchdog_enabled(3) checks).
 */
function watchdogInterval(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isSafeInteger(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

/** STATUS= ends at the first newline; keep the whole text on one line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}
