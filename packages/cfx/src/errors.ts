/**
 * Typed errors of the CFX package. Each carries a stable `code` (never reused).
 */

/** Why a message body could not be decoded into envelopes. */
export type CfxDecodeReason = 'bad-body' | 'bad-gzip' | 'bad-utf8' | 'bad-json' | 'not-envelope';

/** A message body that cannot be turned into CFX envelopes. The bridge dead-letters it with `message`. */
export class CfxDecodeError extends Error {
  readonly code = 'CFX_ERR_DECODE';
  readonly reason: CfxDecodeReason;
  /** Byte/character position for `bad-json` (when the JSON parser reports one). */
  readonly position: number | undefined;
  constructor(reason: CfxDecodeReason, message: string, options: { position?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CfxDecodeError';
    this.reason = reason;
    this.position = options.position;
  }
}

/** An envelope that was decoded but cannot be mapped to WATS data. Names the message and the field. */
export class CfxMappingError extends Error {
  readonly code = 'CFX_ERR_MAPPING';
  readonly messageName: string;
  readonly uniqueId: string;
  /** Path of the offending field inside the envelope, e.g. `MessageBody.TestedUnits[0].UnitIdentifier`. */
  readonly field: string;
  constructor(init: { messageName: string; uniqueId: string; field: string; problem: string; cause?: unknown }) {
    super(
      `${init.messageName} ${init.uniqueId}: ${init.field}: ${init.problem}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = 'CfxMappingError';
    this.messageName = init.messageName;
    this.uniqueId = init.uniqueId;
    this.field = init.field;
  }
}

/** One problem in a CFX mapping config. */
export interface CfxConfigIssue {
  /** Dotted path, e.g. `partNumbers.rules.1.pattern`. */
  path: string;
  message: string;
}

/** The CFX mapping config is invalid; `issues` lists every problem. */
export class CfxConfigError extends Error {
  readonly code = 'CFX_ERR_CONFIG';
  readonly issues: readonly CfxConfigIssue[];
  constructor(issues: readonly CfxConfigIssue[]) {
    super(
      `CFX config is not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n'),
    );
    this.name = 'CfxConfigError';
    this.issues = issues;
  }
}
