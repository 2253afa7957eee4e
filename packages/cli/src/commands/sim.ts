import { UsageError } from '../errors.js';
import { normalizeFaultOptions, startSim, type FaultOptions } from '@tswats/sim';

/** Options of `tswats sim`, as commander parses them. */
export interface SimCommandOptions {
  port: number;
  host: string;
  data?: string;
  token?: string;
  latency?: number;
  latencyJitter?: number;
  errorRate?: number;
  errorStatus: number;
  retryAfter?: number;
  failNext?: number;
  dropNext?: number;
  dropWhen: string;
  outage?: number;
  faults?: string;
  seed?: number;
  log?: boolean;
}

/**
 * Maps the fault flags onto the simulator's plain-JSON fault options: `--faults`
 * JSON first, then each specific flag on top. Checked by the simulator's own
 * `normalizeFaultOptions`, so a mistake names the field.
 */
export function faultsFromFlags(opts: SimCommandOptions): FaultOptions | undefined {
  let faults: FaultOptions = {};
  if (opts.faults !== undefined) {
    try {
      faults = JSON.parse(opts.faults) as FaultOptions;
    } catch (err) {
      throw new UsageError(`--faults is not JSON: ${(err as Error).message}`);
    }
  }
  const retryAfter = opts.retryAfter === undefined ? {} : { retryAfter: opts.retryAfter };
  if (opts.latency !== undefined || opts.latencyJitter !== undefined) {
    faults.latency = { ms: opts.latency ?? 0, ...(opts.latencyJitter ? { jitter: opts.latencyJitter } : {}) };
  }
  if (opts.errorRate !== undefined && opts.errorRate > 0) {
    faults.errorRate = { rate: opts.errorRate, status: opts.errorStatus, ...retryAfter };
  }
  if (opts.failNext !== undefined) faults.failNext = { count: opts.failNext, status: opts.errorStatus, ...retryAfter };
  if (opts.dropNext !== undefined) {
    if (opts.dropWhen !== 'before' && opts.dropWhen !== 'after') {
      throw new UsageError(`--drop-when must be 'before' or 'after', got '${opts.dropWhen}'`);
    }
    faults.dropNext = { count: opts.dropNext, when: opts.dropWhen };
  }
  if (opts.outage !== undefined) faults.outage = { ms: opts.outage };
  if (Object.keys(faults).length === 0) return undefined;
  try {
    return normalizeFaultOptions(faults);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `tswats sim`: runs until SIGINT/SIGTERM. First stdout line: `listening on http://HOST:PORT`. */
export async function runSim(opts: SimCommandOptions): Promise<void> {
  const sim = await startSim({
    port: opts.port,
    host: opts.host,
    dataDir: opts.data,
    token: opts.token ?? process.env.WATS_SIM_TOKEN,
    faults: faultsFromFlags(opts),
    seed: opts.seed,
    logger: opts.log ? true : false,
  });
  process.stdout.write(`listening on ${sim.url}\n`);
  process.stderr.write(
    `tswats sim: ${opts.data ? `reports persisted in ${opts.data}` : 'in memory'}` +
      `${opts.token || process.env.WATS_SIM_TOKEN ? ', token required' : ''}; ` +
      `faults at ${sim.url}/_sim/faults, counters at ${sim.url}/_sim/stats. Ctrl-C to stop.\n`,
  );
  await waitForSignal();
  await sim.close();
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once. */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const force = () => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
