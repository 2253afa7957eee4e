import { formatDuration, openQueueStore, parseDuration, type QueueItem, type QueueState } from '@tswats/station';
import { ExitError, UsageError } from '../errors.js';
import { callStatusServer, resolveOrExit, statusBase, type StatusOptions } from './station.js';

const STATES: readonly QueueState[] = ['pending', 'failed', 'completed'];

export interface QueueOptions extends StatusOptions {
  state?: string;
  limit?: number;
  allFailed?: boolean;
  olderThan?: string;
}

/**
 * Runs `fn` on the queue: directly on its folder when no service holds it, else through the
 * running service's status server (the service owns the folder while it runs).
 */
async function withQueue<T>(
  opts: QueueOptions,
  direct: (store: Awaited<ReturnType<typeof openQueueStore>>) => Promise<T>,
  remote: (call: (path: string, init?: { method?: string; body?: unknown }) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  const { config } = await resolveOrExit(opts, { requireServer: false, requireFolders: false });
  let store;
  try {
    store = await openQueueStore(config.queue.dir);
  } catch (err) {
    if ((err as { code?: string }).code !== 'STATION_ERR_QUEUE_LOCKED') throw err;
  }
  if (store) {
    try {
      return await direct(store);
    } finally {
      await store.close();
    }
  }
  const base = await statusBase(opts);
  return remote(async (path, init) => {
    const res = await callStatusServer(base, path, init);
    if (!res) {
      console.error(`tswats: the queue ${config.queue.dir} is held by a running station, but its status server at ${base.url} does not answer`);
      throw new ExitError(3);
    }
    if (res.status >= 300) {
      console.error(`tswats: ${base.url}${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      throw new ExitError(1);
    }
    return res.body;
  });
}

function checkState(state: string | undefined): QueueState | undefined {
  if (state === undefined) return undefined;
  if (!STATES.includes(state as QueueState)) throw new UsageError(`--state must be one of ${STATES.join(', ')}`);
  return state as QueueState;
}

/** `tswats queue list`. */
export async function runQueueList(opts: QueueOptions): Promise<void> {
  const state = checkState(opts.state);
  const filter = { ...(state ? { state } : {}), ...(opts.limit ? { limit: opts.limit } : {}) };
  const items = await withQueue<QueueItem[]>(
    opts,
    async (store) => store.list(filter),
    async (call) => (await call(`/queue?${new URLSearchParams(Object.entries(filter).map(([k, v]): [string, string] => [k, String(v)]))}`)) as QueueItem[],
  );
  if (opts.json) {
    process.stdout.write(JSON.stringify(items, null, 2) + '\n');
    return;
  }
  if (items.length === 0) {
    process.stdout.write(`no ${state ?? ''} items\n`.replace('  ', ' '));
    return;
  }
  const now = Date.now();
  for (const it of items) {
    const age = formatDuration(now - it.createdAt);
    const err = it.lastError ? `  ${it.lastError.status ? `${it.lastError.status} ` : ''}${it.lastError.message}` : '';
    const next = it.state === 'pending' && it.nextAttemptAt > now ? `  next try in ${formatDuration(it.nextAttemptAt - now)}` : '';
    process.stdout.write(`${it.id}  ${it.state.padEnd(9)} p${it.priority}  age ${age.padEnd(4)} attempts ${it.attempts}${it.source ? `  ${it.source.file}` : ''}${next}${err}\n`);
  }
}

/** `tswats queue retry <id> | --all-failed`. */
export async function runQueueRetry(id: string | undefined, opts: QueueOptions): Promise<void> {
  if (!id && !opts.allFailed) throw new UsageError('give a report id or --all-failed');
  if (id && opts.allFailed) throw new UsageError('give a report id or --all-failed, not both');
  const n = await withQueue<number>(
    opts,
    async (store) => (id ? ((await store.retry(id)) ? 1 : 0) : store.retryAllFailed()),
    async (call) => ((await call('/queue/retry', { method: 'POST', body: id ? { id } : { allFailed: true } })) as { retried: number }).retried,
  );
  if (id && n === 0) {
    console.error(`tswats: no failed item ${id} in the queue`);
    throw new ExitError(1);
  }
  process.stdout.write(`${n} item(s) back to pending\n`);
}

/** `tswats queue purge --state S --older-than 7d`. */
export async function runQueuePurge(opts: QueueOptions): Promise<void> {
  const state = checkState(opts.state ?? 'completed') as QueueState;
  const olderThanMs = parseDuration(opts.olderThan ?? '0ms');
  if (olderThanMs === undefined) throw new UsageError(`--older-than ${opts.olderThan}: expected a duration like 12h or 7d`);
  const n = await withQueue<number>(
    opts,
    async (store) => store.purge({ state, olderThanMs }),
    async (call) => ((await call('/queue/purge', { method: 'POST', body: { state, olderThanMs } })) as { purged: number }).purged,
  );
  process.stdout.write(`${n} ${state} item(s) removed\n`);
}
