import type { AddressInfo } from 'node:net';
import { buildSimServer } from './build-server.js';
import type { FaultController } from './faults/fault-controller.js';
import type { ContractViolation } from './openapi/contract.js';
import type { SimOptions } from './options.js';
import type { SimStats } from './stats.js';

/** A running simulator. */
export interface SimHandle {
  /** Base URL, e.g. `http://127.0.0.1:53211` (append `/api/...`). */
  url: string;
  port: number;
  /** Stops listening and closes every connection, keep-alive ones included. */
  close(): Promise<void>;
  /** Change faults at run time: `sim.faults.failNext(2, { status: 503, retryAfter: 0.1 })`. */
  faults: FaultController;
  /** Counters since start or the last reset. */
  stats(): SimStats;
  /** Clears faults and counters (not reports), like `POST /_sim/reset`. */
  reset(): void;
  /** Distinct reports stored. */
  reportCount(): number;
  /** Departures from the OpenAPI document seen so far (needs `checkContract: true`). */
  contractViolations(): ContractViolation[];
  /** Forgets the recorded violations (after a test provoked some on purpose). */
  clearContractViolations(): void;
}

/** Builds the simulator and listens (default `127.0.0.1`, a free port). */
export async function startSim(options: SimOptions = {}): Promise<SimHandle> {
  const app = buildSimServer(options);
  const { sim } = app;
  try {
    await app.listen({ port: sim.config.port, host: sim.config.host });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  // A wildcard address is not something to connect to; point the URL at loopback instead.
  const ip = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const host = ip.includes(':') ? `[${ip}]` : ip;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () => (closing ??= app.close()),
    faults: sim.faults,
    stats: () => sim.stats.snapshot(sim.store.count()),
    reset: () => {
      sim.faults.clear();
      sim.stats.reset();
    },
    reportCount: () => sim.store.count(),
    contractViolations: () => sim.contract.violations(),
    clearContractViolations: () => sim.contract.clear(),
  };
}
