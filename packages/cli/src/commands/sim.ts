import { startSim, type FaultOptions } from '@tswats/sim';

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
  seed?: number;
  log?: boolean;
}

/** Maps the fault flags onto the simulator's plain-JSON fault options. */
export function faultsFromFlags(opts: SimCommandOptions): FaultOptions | undefined {
  const faults: FaultOptions = {};
  if (opts.latency !== undefined || opts.latencyJitter !== undefined) {
    faults.latency = { ms: opts.latency ?? 0, ...(opts.latencyJitter ? { jitter: opts.latencyJitter } : {}) };
  }
  if (opts.errorRate !== undefined && opts.errorRate > 0) {
    faults.errorRate = { rate: opts.errorRate, status: opts.errorStatus };
  }
  return Object.keys(faults).length ? faults : undefined;
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
