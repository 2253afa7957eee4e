import { VERSION } from '@tswats/sdk';

/** Ends the CLI quietly with this exit code (the message, if any, was already printed). */
export class ExitError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message = `exit ${exitCode}`) {
    super(message);
    this.name = 'ExitError';
    this.exitCode = exitCode;
  }
}

/** A bug in tswats itself: the top-level catch asks the user to report it. */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

/** Text for an InternalError, with what a bug report needs. */
export function bugReport(err: InternalError): string {
  return [
    `tswats hit an internal error: ${err.message}`,
    'This is a bug in tswats. Please report it with the lines below:',
    `  tswats ${VERSION}, node ${process.version}, ${process.platform}-${process.arch}`,
    `  ${err.stack ?? ''}`,
  ].join('\n');
}

/** The user asked for something that cannot work (bad flag values found after parsing). Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
