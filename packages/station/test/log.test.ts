/** The station logger: JSON lines to a file or stdout, and no secret ever in the output. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closeLogger, createLogger, createSecretScrubber, flushLogger, REDACTED } from '../src/log.js';
import { tempDir } from './helpers.js';

const LOG_MODULE = fileURLToPath(new URL('../src/log.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** A WATS-style token (base64 with + / =) and a nastier one with JSON-special characters. */
const SERVER_TOKEN = 'dXNlcjpTM2NyM3QrVG9rZW4vPT0=';
const HTTP_TOKEN = 'st"at\\us-t0ken';
const SECRETS = [SERVER_TOKEN, HTTP_TOKEN];

async function fileLogger(level: 'info' | 'warn' | 'debug' | 'silent' = 'debug', secrets: string[] = SECRETS) {
  const file = join(await tempDir('tswats-log-'), 'nested', 'logs', 'station.log');
  const log = createLogger({ level, file }, secrets);
  return {
    log,
    file,
    /** Closes the logger and returns the file's text. */
    async text() {
      await closeLogger(log);
      return readFile(file, 'utf8');
    },
  };
}

const parseLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Every way a secret could be spelled in a JSON line. */
function spellings(secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  return [secret, once, JSON.stringify(once).slice(1, -1), encodeURIComponent(secret)];
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) for (const s of spellings(secret)) expect(text).not.toContain(s);
}

describe('createLogger', () => {
  it('writes JSON lines with time, pid, hostname and component to a file, creating its folder', async () => {
    const { log, text } = await fileLogger('info');
    log.info('station starting');
    log.child({ component: 'queue' }).warn({ pending: 3 }, 'queue full');
    log.debug('not written at info level');
    const lines = parseLines(await text());

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, pid: process.pid, hostname: hostname(), msg: 'station starting' });
    expect(lines[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(lines[1]).toMatchObject({ level: 40, component: 'queue', pending: 3, msg: 'queue full' });
  });

  it('writes nothing at level silent', async () => {
    const { log, text } = await fileLogger('silent');
    log.fatal('nothing');
    expect(await text()).toBe('');
  });

  it('never writes a secret: not in fields, messages, errors, nested objects, or escaped forms', async () => {
    const { log, text } = await fileLogger();
    log.info({ token: SERVER_TOKEN, authorization: `Basic ${SERVER_TOKEN}` }, 'fields');
    log.info({ headers: { authorization: `Bearer ${HTTP_TOKEN}`, accept: 'application/json' } }, 'request headers');
    log.info({ config: { server: { baseUrl: 'https://wats.example.com', token: SERVER_TOKEN }, http: { token: HTTP_TOKEN } } }, 'config');
    log.info({ a: { b: { c: { d: { note: `deep ${SERVER_TOKEN} inside`, list: [HTTP_TOKEN, 'ok'] } } } } }, 'deeply nested');
    log.error(new Error(`upload refused for token ${SERVER_TOKEN}`), 'with an error');
    log.error({ err: new Error('outer', { cause: new Error(`inner ${HTTP_TOKEN}`) }) }, 'with a cause');
    log.warn(`message text with ${SERVER_TOKEN} and ${HTTP_TOKEN}`);
    log.warn({ body: JSON.stringify({ token: HTTP_TOKEN, nested: JSON.stringify({ token: HTTP_TOKEN }) }) }, 'quoted JSON');
    log.warn({ url: `https://wats.example.com/api?token=${encodeURIComponent(SERVER_TOKEN)}` }, 'in a URL');
    log.child({ component: 'sdk', token: SERVER_TOKEN }).info('in child bindings');
    const out = await text();

    expectNoSecrets(out);
    const lines = parseLines(out);
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatchObject({ token: REDACTED, authorization: REDACTED });
    expect(lines[1]).toMatchObject({ headers: { authorization: REDACTED, accept: 'application/json' } });
    expect(lines[2]).toMatchObject({ config: { server: { baseUrl: 'https://wats.example.com', token: REDACTED }, http: { token: REDACTED } } });
    expect(lines[3]).toMatchObject({ a: { b: { c: { d: { note: `deep ${REDACTED} inside`, list: [REDACTED, 'ok'] } } } } });
    expect(lines[4]).toMatchObject({ msg: 'with an error', err: { message: `upload refused for token ${REDACTED}` } });
    expect(lines[6]).toMatchObject({ msg: `message text with ${REDACTED} and ${REDACTED}` });
    expect(lines[8]).toMatchObject({ url: `https://wats.example.com/api?token=${REDACTED}` });
  });

  it('redacts the usual secret fields even when the value is not a known secret', async () => {
    const { log, text } = await fileLogger('info', []);
    log.info({ password: 'hunter2', headers: { Authorization: 'Bearer abc' }, req: { headers: { authorization: 'Bearer def', cookie: 'sid=1' } } }, 'x');
    const [line] = parseLines(await text());
    expect(line).toMatchObject({
      password: REDACTED,
      headers: { Authorization: REDACTED },
      req: { headers: { authorization: REDACTED, cookie: REDACTED } },
    });
  });

  it('ignores empty and very short secrets rather than redacting ordinary text', async () => {
    const { log, text } = await fileLogger('info', ['', '  ', 'ab']);
    log.info('about 3 abandoned files');
    expect(parseLines(await text())[0]?.msg).toBe('about 3 abandoned files');
  });

  it('writes to stdout when no file is set, without secrets', () => {
    const script = `
      import { createLogger, flushLogger } from ${JSON.stringify(LOG_MODULE)};
      const log = createLogger({ level: 'info', file: undefined }, ${JSON.stringify(SECRETS)});
      log.info({ token: ${JSON.stringify(SERVER_TOKEN)} }, 'to stdout');
      log.child({ component: 'http' }).error(new Error('bad ' + ${JSON.stringify(HTTP_TOKEN)}));
      await flushLogger(log);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: PACKAGE_DIR,
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expectNoSecrets(child.stdout);
    const lines = parseLines(child.stdout);
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, pid: child.pid, msg: 'to stdout', token: REDACTED }),
      expect.objectContaining({ level: 50, component: 'http', msg: `bad ${REDACTED}` }),
    ]);
  });
});

it.skipIf(!existsSync('/dev/full'))('survives a log file that cannot be written (disk full), saying so once on stderr', () => {
  const script = `
    import { createLogger, flushLogger } from ${JSON.stringify(LOG_MODULE)};
    const log = createLogger({ level: 'info', file: '/dev/full' }, []);
    for (let i = 0; i < 5; i++) {
      log.info({ i }, 'into a full disk');
      await new Promise((r) => setTimeout(r, 20));
    }
    await flushLogger(log, 500);
    console.log('still running');
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: PACKAGE_DIR,
    encoding: 'utf8',
    timeout: 10_000,
  });
  expect(child.status).toBe(0);
  expect(child.stdout).toBe('still running\n');
  expect(child.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tswats: cannot write the log to \/dev\/full: .*ENOSPC/)]);
});

describe('flushLogger and closeLogger', () => {
  it('flushLogger resolves once every line is in the file', async () => {
    const { log, file } = await fileLogger('info');
    for (let i = 0; i < 2000; i++) log.child({ component: 'queue' }).info({ i }, 'line');
    await flushLogger(log.child({ component: 'any child works' }));
    const lines = parseLines(await readFile(file, 'utf8'));
    expect(lines).toHaveLength(2000);
    expect(lines.at(-1)).toMatchObject({ i: 1999 });
    await closeLogger(log);
  });

  it('closeLogger writes what is buffered, closes the file, and later lines are dropped quietly', async () => {
    const { log, file } = await fileLogger('info');
    for (let i = 0; i < 500; i++) log.info({ i }, 'before close');
    await closeLogger(log);
    log.info('after close');
    await closeLogger(log);
    await flushLogger(log);
    const lines = parseLines(await readFile(file, 'utf8'));
    expect(lines).toHaveLength(500);
  });
});

describe('createSecretScrubber', () => {
  it('replaces raw, JSON-escaped, doubly escaped and URL-encoded spellings', () => {
    const scrub = createSecretScrubber([HTTP_TOKEN]);
    for (const s of spellings(HTTP_TOKEN)) expect(scrub(`a ${s} b ${s}`)).toBe(`a ${REDACTED} b ${REDACTED}`);
    expect(scrub('nothing to hide')).toBe('nothing to hide');
  });
});
