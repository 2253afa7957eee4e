import { describe, expect, it } from 'vitest';
import { compileGlob, createGlobMatcher } from '../src/files/glob.js';

const m = (pattern: string, path: string, caseInsensitive = false) => compileGlob(pattern, { caseInsensitive }).test(path);

describe('compileGlob', () => {
  it('matches * and ? within one path segment', () => {
    expect(m('*.xml', 'run.xml')).toBe(true);
    expect(m('*.xml', 'run.xmlx')).toBe(false);
    expect(m('*.xml', 'sub/run.xml')).toBe(false);
    expect(m('run?.log', 'run1.log')).toBe(true);
    expect(m('run?.log', 'run12.log')).toBe(false);
    expect(m('run?.log', 'run/.log')).toBe(false);
  });

  it('matches ** as any number of folders, including none', () => {
    expect(m('**/*.xml', 'run.xml')).toBe(true);
    expect(m('**/*.xml', 'a/b/c/run.xml')).toBe(true);
    expect(m('a/**/run.xml', 'a/run.xml')).toBe(true);
    expect(m('a/**/run.xml', 'a/x/y/run.xml')).toBe(true);
    expect(m('a/**/run.xml', 'b/x/run.xml')).toBe(false);
    expect(m('logs/**', 'logs/x/y.txt')).toBe(true);
    expect(m('a**b', 'axxb')).toBe(true);
    expect(m('a**b', 'ax/xb')).toBe(false);
  });

  it('expands {a,b} alternatives, nested too', () => {
    expect(m('*.{xml,json}', 'r.json')).toBe(true);
    expect(m('*.{xml,json}', 'r.txt')).toBe(false);
    expect(m('{a,b{c,d}}.log', 'bd.log')).toBe(true);
    expect(m('{a,b{c,d}}.log', 'b.log')).toBe(false);
    expect(m('{*.txt,sub/*.log}', 'sub/x.log')).toBe(true);
  });

  it('supports character classes, negated classes and escapes', () => {
    expect(m('[ab]*.txt', 'a1.txt')).toBe(true);
    expect(m('[ab]*.txt', 'c1.txt')).toBe(false);
    expect(m('[!ab]*.txt', 'c1.txt')).toBe(true);
    expect(m('[a-c]x', 'bx')).toBe(true);
    expect(m('\\*.txt', '*.txt')).toBe(true);
    expect(m('\\*.txt', 'a.txt')).toBe(false);
    expect(m('a+(b).txt', 'a+(b).txt')).toBe(true);
  });

  it('ignores case only when asked (Windows)', () => {
    expect(m('*.XML', 'run.xml')).toBe(false);
    expect(m('*.XML', 'run.xml', true)).toBe(true);
  });
});

describe('createGlobMatcher', () => {
  it('matches patterns without a slash against the file name, others against the whole path', () => {
    const match = createGlobMatcher(['*.xml', 'logs/*.log'], []);
    expect(match('sub/run.xml')).toBe(true);
    expect(match('logs/a.log')).toBe(true);
    expect(match('other/a.log')).toBe(false);
  });

  it('includes everything when include is empty, and exclude wins', () => {
    const match = createGlobMatcher([], ['*.bak', 'tmp/**']);
    expect(match('a.txt')).toBe(true);
    expect(match('a.bak')).toBe(false);
    expect(match('tmp/x/a.txt')).toBe(false);
  });

  it('accepts the station defaults: * (flat) and **/* (recursive) match every file', () => {
    expect(createGlobMatcher(['*'], [])('a.txt')).toBe(true);
    expect(createGlobMatcher(['*'], [])('sub/a.txt')).toBe(true); // name-only pattern
    expect(createGlobMatcher(['**/*'], [])('a.txt')).toBe(true);
    expect(createGlobMatcher(['**/*'], [])('x/y/a.txt')).toBe(true);
    expect(createGlobMatcher(['**/*'], ['.*', '**/.*', '*.error.json'])('x/.hidden')).toBe(false);
  });

  it('reads backslashes in paths as separators', () => {
    expect(createGlobMatcher(['sub/*.txt'], [])('sub\\a.txt')).toBe(true);
  });
});
