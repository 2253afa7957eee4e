import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { SimHandle } from '@tswats/sim';
import { expectNoViolations, makeUut, postReport, startTestSim, json } from './helpers.js';

const TOKEN = Buffer.from('ci-user:pa55word').toString('base64');

let sim: SimHandle;
beforeAll(async () => {
  sim = await startTestSim({ token: TOKEN });
});
afterEach(() => expectNoViolations(sim));
afterAll(() => sim.close());

describe('token authentication', () => {
  const denied: Array<[string, Record<string, string>]> = [
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Basic d3Jvbmc=' }],
    ['the right token with another scheme', { authorization: `Bearer ${TOKEN}` }],
    ['the right token with extra text', { authorization: `Basic ${TOKEN}x` }],
    ['the right token in lower-case scheme', { authorization: `basic ${TOKEN}` }],
  ];
  test.each(denied)('401 with %s', async (_name, headers) => {
    const res = await fetch(`${sim.url}/api/App/Version`, { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic');
    expect(await json(res)).toEqual({ Message: 'Authorization has been denied for this request.' });
  });

  test('200 with exactly `Basic <token>`, and nothing is stored without it', async () => {
    expect((await postReport(sim, makeUut())).status).toBe(401);
    expect(sim.reportCount()).toBe(0);
    const res = await postReport(sim, makeUut(), { authorization: `Basic ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(sim.reportCount()).toBe(1);
  });

  test('unknown /api routes also need the token (401 before 404)', async () => {
    expect((await fetch(`${sim.url}/api/Nope`)).status).toBe(401);
  });

  test('the /_sim admin routes are not behind the token', async () => {
    expect((await fetch(`${sim.url}/_sim/stats`)).status).toBe(200);
  });
});

describe('without a token option', () => {
  test('any request is accepted', async () => {
    const open = await startTestSim();
    try {
      const res = await fetch(`${open.url}/api/App/Version`, { headers: { authorization: 'Basic anything' } });
      expect(res.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
