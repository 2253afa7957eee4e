import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../context.js';
import { aspNetError, SimError } from '../errors.js';
import type { FaultOptions } from '../faults/fault-options.js';

/** Prefix of the control routes; outside `/api`, so never behind the token nor faulted. */
export const ADMIN_PREFIX = '/_sim';

function parseJson(request: FastifyRequest): unknown {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) return {};
  return JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
}

/** Runs a fault change; bad input (JSON or fault options) is a 400 with the reason. */
async function changeFaults(request: FastifyRequest, reply: FastifyReply, sim: SimContext, apply: (o: FaultOptions) => void) {
  let options: FaultOptions;
  try {
    options = parseJson(request) as FaultOptions;
    apply(options);
  } catch (err) {
    const message = err instanceof SimError || err instanceof SyntaxError ? err.message : String(err);
    return reply.code(400).send(aspNetError(message));
  }
  return sim.faults.state();
}

/**
 * Control routes for tests and the CLI:
 * - `GET /_sim/faults` current faults; `PUT` replaces them all; `PATCH` sets only the kinds
 *   present; `DELETE` clears them. Bodies use the `FaultOptions` JSON shape.
 * - `GET /_sim/stats` counters; `POST /_sim/reset` clears faults and counters (not data).
 * - `GET /_sim/contract` recorded contract violations; `DELETE` clears them.
 * - `GET /_sim/health` liveness.
 */
export function registerAdminRoutes(app: FastifyInstance, sim: SimContext): void {
  app.get(`${ADMIN_PREFIX}/health`, async () => ({ ok: true, reports: sim.store.count() }));
  app.get(`${ADMIN_PREFIX}/faults`, async () => sim.faults.state());
  app.put(`${ADMIN_PREFIX}/faults`, (req, reply) => changeFaults(req, reply, sim, (o) => sim.faults.set(o)));
  app.patch(`${ADMIN_PREFIX}/faults`, (req, reply) => changeFaults(req, reply, sim, (o) => sim.faults.update(o)));
  app.delete(`${ADMIN_PREFIX}/faults`, async () => {
    sim.faults.clear();
    return sim.faults.state();
  });
  app.get(`${ADMIN_PREFIX}/stats`, async () => sim.stats.snapshot(sim.store.count()));
  app.post(`${ADMIN_PREFIX}/reset`, async () => {
    sim.faults.clear();
    sim.stats.reset();
    return { faults: sim.faults.state(), stats: sim.stats.snapshot(sim.store.count()) };
  });
  app.get(`${ADMIN_PREFIX}/contract`, async () => sim.contract.violations());
  app.delete(`${ADMIN_PREFIX}/contract`, async () => {
    sim.contract.clear();
    return [];
  });
}
