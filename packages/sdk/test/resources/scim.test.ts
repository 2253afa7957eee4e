import { describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, NotFoundError } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('SCIM users', () => {
  it('creates a user (pyWATS crashed here) and finds it by id and by userName', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const created = await client.scim.createUser({
      userName: 'ada.lovelace@example.com',
      externalId: 'aad-0001',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      displayName: 'Ada Lovelace',
      emails: [{ value: 'ada.lovelace@example.com', type: 'work', primary: true }],
      password: 'never-returned',
    });
    expect(created.password).toBeUndefined();
    expect(created).toMatchObject({
      schemas: [USER_SCHEMA],
      userName: 'ada.lovelace@example.com',
      active: true,
      externalId: 'aad-0001',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      meta: { resourceType: 'User', location: `${sim.url}/api/SCIM/v2/Users/${created.id}` },
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);

    expect(await client.scim.getUser(created.id!)).toEqual(created);
    // The literal `userName=` path segment; user names ignore case (RFC 7643).
    expect(await client.scim.getUserByUserName('ADA.Lovelace@example.com')).toEqual(created);
    expect(sim.stats().byRoute['GET /api/SCIM/v2/Users/userName={userName}']).toBe(1);
    await expect(client.scim.getUserByUserName('nobody@example.com')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.scim.createUser({ userName: 'Ada.Lovelace@example.com' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('pages with startIndex/count and filters with SCIM expressions', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const names = ['anna', 'bjorn', 'alf', 'cecilie', 'arne'];
    for (const userName of names) await client.scim.createUser({ userName, active: userName !== 'alf' });

    const firstTwo = await client.scim.listUsers({ count: 2 });
    expect(firstTwo.map((u) => u.userName)).toEqual(['anna', 'bjorn']);
    const fromThird = await client.scim.listUsers({ startIndex: 3, count: 2 });
    expect(fromThird.map((u) => u.userName)).toEqual(['alf', 'cecilie']);

    sim.reset();
    const everyone = await client.scim.listUsers({ pageSize: 2 }).toArray();
    expect(everyone.map((u) => u.userName)).toEqual(names);
    expect(sim.stats().byOperation.Scim_GetUsers).toBe(3);

    const activeA = await client.scim.listUsers({ filter: 'userName sw "A" and active eq true' }).toArray();
    expect(activeA.map((u) => u.userName)).toEqual(['anna', 'arne']);
    const exact = await client.scim.listUsers({ filter: `userName eq ${JSON.stringify('bjorn')}` });
    expect(exact.map((u) => u.userName)).toEqual(['bjorn']);
    await expect(client.scim.listUsers({ filter: 'emails[type eq "work"].value pr' })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('updates with a SCIM PatchOp: replace only, typed values, all or nothing (pyWATS crashed here)', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const u = await client.scim.createUser({ userName: 'ola', name: { givenName: 'Ola' } });

    const changed = await client.scim.updateUser(u.id!, [
      { op: 'replace', path: 'givenName', value: 'Ola Normann' },
      { op: 'replace', path: 'fullName', value: 'Ola Normann Nordmann' },
      { op: 'replace', path: 'email', value: 'ola@example.com' },
      { op: 'replace', path: 'roles', value: 'Operator' },
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'levels', value: 'Site A;Line 2' },
    ]);
    expect(changed).toMatchObject({
      id: u.id,
      active: false,
      displayName: 'Ola Normann Nordmann',
      name: { givenName: 'Ola Normann', formatted: 'Ola Normann Nordmann' },
      emails: [{ value: 'ola@example.com', primary: true }],
      roles: [{ value: 'Operator' }],
      levels: ['Site A', 'Line 2'],
    });
    expect(Date.parse(changed.meta!.lastModified!)).toBeGreaterThanOrEqual(Date.parse(u.meta!.lastModified!));

    // levels only add restrictions.
    const more = await client.scim.updateUser(u.id!, [{ op: 'replace', path: 'levels', value: 'line 2;Line 3' }]);
    expect(more.levels).toEqual(['Site A', 'Line 2', 'Line 3']);

    // A wrongly typed value, an unknown role, or an op other than replace changes nothing.
    await expect(client.scim.updateUser(u.id!, [{ op: 'replace', path: 'active', value: 'false' }])).rejects.toBeInstanceOf(
      BadRequestError,
    );
    await expect(
      client.scim.updateUser(u.id!, [
        { op: 'replace', path: 'givenName', value: 'Changed' },
        { op: 'replace', path: 'roles', value: 'Astronaut' },
      ]),
    ).rejects.toThrow(/role 'Astronaut' was not found/);
    const bad = [{ op: 'add', path: 'givenName', value: 'X' }] as unknown as Parameters<typeof client.scim.updateUser>[1];
    await expect(client.scim.updateUser(u.id!, bad)).rejects.toThrow(/only "replace"/);
    expect((await client.scim.getUser(u.id!)).name).toMatchObject({ givenName: 'Ola Normann' });
  });

  it('deletes a user', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const u = await client.scim.createUser({ userName: 'temp' });
    await client.scim.deleteUser(u.id!);
    await expect(client.scim.getUser(u.id!)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.scim.deleteUser(u.id!)).rejects.toBeInstanceOf(NotFoundError);
    expect(await client.scim.listUsers()).toEqual([]);
  });

  it('issues a provisioning JSON Web Token for the asked duration', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { token: Buffer.from('admin:pw').toString('base64') });
    const before = Date.now();
    const t = await client.scim.getToken({ duration: 30 });
    expect(t.durationDays).toBe(30);
    const parts = t.token.split('.');
    expect(parts).toHaveLength(3);
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(claims.sub).toBe('admin');
    expect(claims.exp - claims.iat).toBe(30 * 86_400);
    expect(Date.parse(t.expiresUtc!) - before).toBeGreaterThanOrEqual(30 * 86_400_000 - 1000);

    expect((await client.scim.getToken()).durationDays).toBe(90);
    await expect(client.scim.getToken({ duration: 0 })).rejects.toBeInstanceOf(BadRequestError);
  });
});
