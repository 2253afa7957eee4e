import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConnectionString, resolveVteConfig, VteConfigError } from '@tswats/vte';

const minimal = { database: { host: 'sql01', database: 'VTE9_3', user: 'tswats_vte_reader', password: 'pw' }, timeZone: 'Europe/Oslo', processCode: { default: 50 } };

async function issuesOf(raw: unknown, env: Record<string, string> = {}): Promise<{ path: string; message: string }[]> {
  try {
    await resolveVteConfig(raw, { env });
  } catch (err) {
    if (err instanceof VteConfigError) return [...err.issues];
    throw err;
  }
  return [];
}

describe('resolveVteConfig', () => {
  it('applies the defaults', async () => {
    const { config, warnings } = await resolveVteConfig(minimal, { env: {} });
    expect(config.database).toMatchObject({ dialect: 'mssql', host: 'sql01', port: 1433, database: 'VTE9_3', encrypt: true, trustServerCertificate: false, poolMax: 2 });
    expect(config).toMatchObject({ timeZone: 'Europe/Oslo', revision: '1', missingSerial: 'error', batchSize: 500, stepChunkSize: 1000 });
    expect(config.processCode).toEqual({ default: 50, byTestplan: {}, repair: 500 });
    expect(config.results.run).toEqual({ '0': 'P', '1': 'F', '2': 'E', '3': 'T' });
    expect(config.mapping.schema).toBe('dbo');
    expect(config.mapping.tables.IndexData).toBe('IndexData');
    expect(config.mapping.columns.IndexData.Timestamp).toBe('Timestamp');
    expect(Object.isFrozen(config)).toBe(true);
    expect(warnings).toEqual([expect.stringContaining('database.password is written in the config file')]);
  });

  it('collects every problem with its path', async () => {
    const issues = await issuesOf({
      database: { port: 70000, dialect: 'oracle', hots: 'x' },
      timeZone: 'Mars/Base',
      processCode: { default: 1.5 },
      mapping: { tables: { IndexData: '' } },
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['database.port', 'database.dialect', 'database.hots', 'processCode.default', 'mapping.tables.IndexData']));
  });

  it('reports semantic problems together: host, database, user, zone, process code, mapping keys', async () => {
    const issues = await issuesOf({
      database: { dialect: 'mssql' },
      timeZone: 'Mars/Base',
      mapping: { tables: { IndexDatta: 'X' }, columns: { IndexData: { Timestap: 'T', Result: null, Info1: null } } },
    });
    expect(issues.map((i) => i.path)).toEqual([
      'database.host', 'database.database', 'database.user', 'timeZone', 'processCode.default',
      'mapping.tables.IndexDatta', 'mapping.columns.IndexData.Timestap', 'mapping.columns.IndexData.Result',
    ]);
    expect(issues.find((i) => i.path === 'mapping.columns.IndexData.Result')!.message).toContain('required');
  });

  it('reads an ADO connection string with a Windows (NTLM) login, and a password from env', async () => {
    const { config } = await resolveVteConfig(
      { database: { connectionString: 'Server=tcp:sql01\\VTE;Database=VTE9_3;User Id=ACME\\svc_wats;Encrypt=true;TrustServerCertificate=yes' }, timeZone: 'UTC', processCode: { default: 1 } },
      { env: { TSWATS_VTE_DB_PASSWORD: 's3cret' } },
    );
    expect(config.database).toMatchObject({ host: 'sql01', instanceName: 'VTE', database: 'VTE9_3', user: 'svc_wats', domain: 'ACME', password: 's3cret', trustServerCertificate: true });
  });

  it('reads the password from passwordFile, relative to the config folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vte-config-'));
    await writeFile(join(dir, 'db.pw'), 'from-file\n');
    const { config } = await resolveVteConfig({ ...minimal, database: { ...minimal.database, password: undefined, passwordFile: 'db.pw' } }, { env: {}, baseDir: dir });
    expect(config.database.password).toBe('from-file');
    const missing = await issuesOf({ ...minimal, database: { ...minimal.database, password: undefined, passwordFile: 'missing.pw' } });
    expect(missing).toEqual([{ path: 'database.passwordFile', message: expect.stringContaining('ENOENT') }]);
    const both = await issuesOf({ ...minimal, database: { ...minimal.database, passwordFile: 'db.pw' } });
    expect(both).toEqual([{ path: 'database.passwordFile', message: 'give either password or passwordFile, not both' }]);
  });

  it('takes the mapping overrides', async () => {
    const { config } = await resolveVteConfig(
      { ...minimal, database: { ...minimal.database, dialect: 'postgres' }, mapping: { tables: { IndexData: 'IndexData2' }, columns: { IndexData: { Info3: null, Timestamp: 'RunTime' } } } },
      { env: {} },
    );
    expect(config.mapping).toMatchObject({ schema: 'public', tables: { IndexData: 'IndexData2' } });
    expect(config.mapping.columns.IndexData).toMatchObject({ Info3: null, Timestamp: 'RunTime', Result: 'Result' });
  });
});

describe('parseConnectionString', () => {
  it('parses quoted ADO values and URLs', () => {
    expect(parseConnectionString('Data Source=sql01,1444;Initial Catalog=VTE;User ID=u;Password="p;w""x"').fields).toEqual({ host: 'sql01', port: 1444, database: 'VTE', user: 'u', password: 'p;w"x' });
    expect(parseConnectionString('mssql://u:p%40ss@sql01:1433/VTE9_3?encrypt=false&domain=ACME').fields).toEqual({ host: 'sql01', port: 1433, user: 'u', password: 'p@ss', database: 'VTE9_3', encrypt: false, domain: 'ACME' });
    expect(parseConnectionString('Server=x;Integrated Security=SSPI;Foo=1').problems).toEqual([
      expect.stringContaining('Windows integrated security is not available'),
      'unknown key "Foo"',
    ]);
  });
});
