import Fastify, { type FastifyError } from 'fastify';
import { registerAdminRoutes } from './admin/admin-routes.js';
import type { SimContext, SimServer } from './context.js';
import { createDispatcher } from './dispatch.js';
import { aspNetError, HttpError } from './errors.js';
import { FaultController } from './faults/fault-controller.js';
import { registerApiHooks } from './hooks.js';
import { ContractRecorder } from './openapi/contract.js';
import { getRegistry } from './openapi/registry.js';
import { resolveSimConfig, type SimOptions } from './options.js';
import { bindRoutes } from './routes/index.js';
import { StatsCounter } from './stats.js';
import { DomainStates } from './store/domain-state.js';
import { ReportStore } from './store/report-store.js';

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'] as const;

/**
 * Builds the simulator as a fastify instance without listening (fastify's build/listen split):
 * call `app.inject()` in tests, or `app.listen()`. The data directory is loaded when the
 * server gets ready (`ready()`, `listen()` or the first `inject()`), which rejects with a
 * `SimError` if it cannot be read. The simulator's state is on `app.sim`.
 *
 * Returns synchronously: a fastify instance is thenable, so `await buildSimServer()` would
 * resolve to the plain instance type and lose `sim` from the type.
 */
export function buildSimServer(options: SimOptions = {}): SimServer {
  const config = resolveSimConfig(options);
  const registry = getRegistry();
  const routes = bindRoutes(registry);
  const sim: SimContext = {
    config,
    registry,
    store: new ReportStore(config.dataDir),
    state: new DomainStates(config.dataDir),
    faults: new FaultController(config.faults, config.seed),
    stats: new StatsCounter(),
    contract: new ContractRecorder(config.checkContract),
    startedAt: new Date(),
  };

  const app = Fastify({
    logger: config.logger,
    bodyLimit: config.bodyLimit,
    // close() must not wait for idle keep-alive sockets, or tests hang.
    forceCloseConnections: true,
  });
  app.decorate('sim', sim);
  const server = app as typeof app & { readonly sim: SimContext };

  // Bodies stay raw: handlers parse JSON themselves (accepting a UTF-8 BOM, which real
  // station software sends) and the report size is the size of the bytes received.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).headers(err.headers).send(aspNetError(err.message));
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'simulator error');
    const message = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? `The request body is larger than the simulator's limit of ${config.bodyLimit} bytes.`
      : status >= 500 ? 'An error has occurred.' : err.message;
    return reply.code(status).send(aspNetError(message));
  });

  app.server.on('connection', () => sim.stats.connection());
  registerApiHooks(server, sim);
  registerAdminRoutes(server, sim);
  const dispatch = createDispatcher(sim, routes);
  app.route({ method: [...ALL_METHODS], url: '/*', handler: dispatch });
  app.route({ method: [...ALL_METHODS], url: '/', handler: dispatch });
  app.setNotFoundHandler(dispatch);
  app.addHook('onReady', async () => {
    await sim.store.load();
    await sim.state.load();
  });
  app.addHook('onClose', async () => {
    await sim.store.flush();
  });
  return server;
}
