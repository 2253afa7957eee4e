/**
 * Which ATML test results schema a document uses, read from its root element's namespace.
 *
 * Real namespaces (NI TestStand 2014-2019 output):
 *
 * | ATML | root | TestResults namespace | TestStand extension |
 * |---|---|---|---|
 * | 2.02 | `tr:TestResults` | `http://www.ieee.org/ATML/2007/TestResults` | `www.ni.com/TestStand/ATMLTestResults/1.0` |
 * | 5.00 | `trc:TestResultsCollection` | `urn:IEEE-1636.1:2011:01:TestResults(Collection)` | `…/ATMLTestResults/2.0` |
 * | 6.01 | `trc:TestResultsCollection` | `urn:IEEE-1636.1:2013:TestResults(Collection)` | `…/ATMLTestResults/3.0` |
 *
 * Namespaces are matched by pattern (any year), not by exact string, so a later revision of
 * the standard is still recognised; the version label comes from the standard's year.
 * Conversion itself matches elements by local name and does not depend on the version.
 */

export interface AtmlVersionInfo {
  /** `2.02`, `5.00`, `6.01`, or `IEEE 1636.1:<year>` for a revision not seen in real files. */
  version: string;
  /** The namespace of the root element. */
  namespace: string;
  /** The TestStand extension namespace version (`1.0`, `2.0`, `3.0`) when declared. */
  testStandExtension: string | undefined;
}

const IEEE_URN = /^urn:IEEE-1636\.1:(\d{4})(?::\d+)?:TestResults(?:Collection)?$/i;
const IEEE_URL = /^https?:\/\/www\.ieee\.org\/ATML\/(\d{4})\/TestResults(?:Collection)?\/?$/i;
const TS_EXT = /\bxmlns:[\w.-]+\s*=\s*["'](?:https?:\/\/)?www\.ni\.com\/TestStand\/ATMLTestResults\/(\d+(?:\.\d+)?)["']/;

/** The ATML version for a root namespace, or undefined when it is not an ATML test results namespace. */
export function atmlVersionOf(namespace: string | undefined, rootAttributes = ''): AtmlVersionInfo | undefined {
  if (!namespace) return undefined;
  const ns = namespace.trim();
  const urn = IEEE_URN.exec(ns);
  const url = urn ? undefined : IEEE_URL.exec(ns);
  if (!urn && !url) return undefined;
  const year = Number((urn ?? url)![1]);
  let version: string;
  if (url) version = '2.02'; // the pre-IEEE-URN drafts (2006/2007 namespaces) are ATML 2.0x
  else if (year === 2011) version = '5.00';
  else if (year === 2013) version = '6.01';
  else version = `IEEE 1636.1:${year}`;
  return { version, namespace: ns, testStandExtension: TS_EXT.exec(rootAttributes)?.[1] };
}
