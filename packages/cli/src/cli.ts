import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { VERSION, WatsError } from '@tswats/sdk';
import { ExitError, InternalError, UsageError, bugReport } from './errors.js';

/** Parses a whole number option, e.g. `--port 8080`. */
export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** Parses a decimal option, e.g. `--error-rate 0.2`. */
export function numberOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}`);
    }
    return n;
  };
}

function buildProgram(): Command {
  const program = new Command('tswats')
    .description('Get every factory test result into WATS, complete and exactly once.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  // Each command module is imported only when it runs (changesets' lazy CLI).
  program
    .command('sim')
    .description('Run the local WATS simulator (follows the real OpenAPI document; faults on demand).')
    .option('--port <n>', 'port to listen on (0 = any free port)', intOption('--port', 0, 65535), 8080)
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--data <dir>', 'persist reports in this folder (default: in memory)')
    .option('--token <token>', 'require this token as "Authorization: Basic <token>" (env WATS_SIM_TOKEN)')
    .option('--latency <ms>', 'add this delay to every /api request', intOption('--latency', 0, 600_000))
    .option('--latency-jitter <ms>', 'add up to this much random delay on top', intOption('--latency-jitter', 0, 600_000))
    .option('--error-rate <p>', 'fail this fraction of /api requests (0..1)', numberOption('--error-rate', 0, 1))
    .option('--error-status <code>', 'status for --error-rate failures', intOption('--error-status', 400, 599), 503)
    .option('--retry-after <s>', 'send Retry-After (seconds) with --error-rate and --fail-next failures', numberOption('--retry-after', 0, 86_400))
    .option('--fail-next <n>', 'fail the next N /api requests with --error-status', intOption('--fail-next', 1))
    .option('--drop-next <n>', 'drop the connection of the next N /api requests', intOption('--drop-next', 1))
    .option('--drop-when <when>', "drop 'before' or 'after' the request is handled", 'before')
    .option('--outage <ms>', 'no /api request gets an answer for this long after start', intOption('--outage', 1))
    .option('--faults <json>', 'any faults as JSON, e.g. \'{"failNext":{"count":2,"status":429,"retryAfter":1}}\'')
    .option('--seed <n>', 'seed for the random faults (repeatable runs)', intOption('--seed'))
    .option('--log', 'log every request (JSON lines on stderr)')
    .action(async (opts) => (await import('./commands/sim.js')).runSim(opts));

  program
    .command('demo')
    .description('Start the simulator in-process, submit a realistic UUT and UUR report, read them back.')
    .option('--port <n>', 'simulator port (0 = any free port)', intOption('--port', 0, 65535), 0)
    .option('--serve', 'keep the simulator running after the summary (default when run in a terminal)')
    .option('--no-serve', 'exit after the summary')
    .action(async (opts) => (await import('./commands/demo.js')).runDemo(opts));

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  program
    .command('convert')
    .description('Convert test-equipment files to WSJF reports (one per unit in each file).')
    .argument('<paths...>', 'files or folders')
    .option('--format <name>', 'use this converter instead of detecting the format')
    .option('--tz <zone>', 'IANA time zone of timestamps without an offset (default: this machine\'s)')
    .option('--process-code <n>', 'process (test operation) code', intOption('--process-code', 0))
    .option('--part-number <pn>', 'part number when the file has none')
    .option('--part-revision <rev>', 'part revision when the file has none')
    .option('--station <name>', 'station name when the file has none')
    .option('--location <text>', 'station location')
    .option('--purpose <text>', 'station purpose')
    .option('--operator <name>', 'operator when the file has none')
    .option('--out <dir>', 'write <name>.<n>.wsjf.json per report here')
    .option('--json', 'print {file, format, reports, warnings, error} per input (JSON lines)')
    .option('--converter <module>', 'add a converter module (repeatable)', collect)
    .action(async (paths: string[], opts) => (await import('./commands/convert.js')).runConvert(paths, opts));

  program
    .command('detect')
    .description('Show the detected format and its confidence for each file.')
    .argument('<paths...>', 'files or folders')
    .option('--json', 'one JSON object per file')
    .option('--converter <module>', 'add a converter module (repeatable)', collect)
    .action(async (paths: string[], opts) => (await import('./commands/convert.js')).runDetect(paths, opts));

  return program;
}

/** Runs the CLI and returns the exit code. The one top-level catch lives here. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander already printed help/usage
    if (err instanceof ExitError) return err.exitCode;
    if (err instanceof UsageError) {
      console.error(`tswats: ${err.message}`);
      return 2;
    }
    if (err instanceof InternalError) {
      console.error(bugReport(err));
      return 70;
    }
    if (err instanceof WatsError) {
      console.error(`tswats: ${err.message}`);
      return 1;
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    return 1;
  }
}
