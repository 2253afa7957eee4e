import { describe, expect, it } from 'vitest';
import { CfxConfigError, resolveCfxConfig, resolvePartNumber } from '@tswats/cfx';

describe('resolveCfxConfig', () => {
  it('fills defaults and freezes the result', () => {
    const c = resolveCfxConfig({});
    expect(c.normalizeUnits).toBe(true);
    expect(c.timeZone).toBe('UTC');
    expect(c.processCodes).toMatchObject({ default: 10, repair: 500 });
    expect(c.defaults).toEqual({ location: 'CFX', purpose: 'Production', revision: '1' });
    expect(Object.isFrozen(c.processCodes)).toBe(true);
  });

  it('collects every issue with its path', () => {
    let err: unknown;
    try {
      resolveCfxConfig({
        stations: { H1: { machineName: '' } },
        processCodes: { default: 1.5, byTestMethod: { ICT: 'x' } },
        normalizeUnits: 'yes',
        extra: 1,
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CfxConfigError);
    const paths = (err as CfxConfigError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['stations.H1.machineName', 'processCodes.default', 'processCodes.byTestMethod.ICT', 'normalizeUnits', '']),
    );
  });

  it('checks regular expressions and time zones', () => {
    let err: unknown;
    try {
      resolveCfxConfig({ partNumbers: { rules: [{ prefix: 'A', partNumber: 'P' }, { pattern: '(', partNumber: 'P' }] }, timeZone: 'Mars/Base' });
    } catch (e) {
      err = e;
    }
    expect((err as CfxConfigError).issues.map((i) => i.path)).toEqual(['partNumbers.rules.1.pattern', 'timeZone']);
    expect(resolveCfxConfig({ timeZone: 'Europe/Oslo' }).timeZone).toBe('Europe/Oslo');
    expect(resolveCfxConfig({ timeZone: '+01:00' }).timeZone).toBe('+01:00');
  });
});

describe('resolvePartNumber', () => {
  const c = resolveCfxConfig({
    defaults: { revision: 'X' },
    partNumbers: {
      recipes: { R1: { partNumber: 'FROM-RECIPE' } },
      rules: [{ prefix: 'AB', partNumber: 'FROM-PREFIX', revision: 'B' }, { pattern: '^\\d+$', partNumber: 'FROM-REGEX' }],
      fallback: { partNumber: 'FALLBACK' },
    },
  });

  it('tries recipe, rules, production lookup, fallback in that order', () => {
    const lookup = (sn: string) => (sn === 'KNOWN' ? { partNumber: 'FROM-WATS', revision: 'W' } : undefined);
    expect(resolvePartNumber(c, { unitIdentifier: 'AB1', recipeName: 'R1' }, lookup)).toEqual({ partNumber: 'FROM-RECIPE', revision: 'X', source: 'recipe' });
    expect(resolvePartNumber(c, { unitIdentifier: 'AB1' }, lookup)).toEqual({ partNumber: 'FROM-PREFIX', revision: 'B', source: 'rule' });
    expect(resolvePartNumber(c, { unitIdentifier: '123' }, lookup)?.partNumber).toBe('FROM-REGEX');
    expect(resolvePartNumber(c, { unitIdentifier: 'KNOWN' }, lookup)).toEqual({ partNumber: 'FROM-WATS', revision: 'W', source: 'production' });
    expect(resolvePartNumber(c, { unitIdentifier: 'ZZ' }, lookup)?.source).toBe('fallback');
    expect(resolvePartNumber(resolveCfxConfig({}), { unitIdentifier: 'ZZ' })).toBeUndefined();
  });
});
