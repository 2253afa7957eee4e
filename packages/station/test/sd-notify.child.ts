/**
 * A child process for sd-notify.test.ts: a separate node process that uses the notifier the
 * way `tswats station run` does, with NOTIFY_SOCKET and WATCHDOG_USEC from its environment.
 * It never calls close() or process.exit(): it must end on its own, which proves the
 * notifier's timers and sockets do not keep a process alive.
 */
import { createLogger } from '../src/log.js';
import { createSystemdNotifier } from '../src/systemd/sd-notify.js';

const log = createLogger({ level: 'info', file: undefined }, []);
const notifier = createSystemdNotifier({ log, isHealthy: () => true });
log.info({ enabled: notifier.enabled, watchdogIntervalMs: notifier.watchdogIntervalMs }, 'child notifier created');
notifier.ready('child up');
const runMs = Number(process.env.CHILD_RUN_MS ?? 400);
setTimeout(() => {
  notifier.status('child stopping');
  notifier.stopping();
  log.info('child done');
}, runMs);
