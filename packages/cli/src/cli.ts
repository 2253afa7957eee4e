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
    .description('Run a station on the embedded simulator: real equipment files converted, queued and uploaded.')
    .option('--port <n>', 'simulator port (0 = any free port)', intOption('--port', 0, 65535), 0)
    .option('--serve', 'keep the simulator running after the summary (default when run in a terminal)')
    .option('--no-serve', 'exit after the summary')
    .option('--dir <dir>', 'folder for the demo station (default: a new temp folder)')
    .option('--sdk', 'the SDK-only demo: one UUT and one UUR built in code, submitted and read back')
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

  // Station service, its queue, and one-off submits.
  const withStationFlags = (cmd: Command) =>
    cmd
      .option('-c, --config <file>', 'station config file (YAML or JSON)')
      .option('--url <url>', 'WATS server URL (overrides the config and env WATS_BASE_URL)')
      .option('--data-dir <dir>', 'data folder (queue, cache, state)')
      .option('--log-level <level>', 'fatal, error, warn, info, debug, trace, silent');

  const station = program.command('station').description('The station service: watch folders, convert, queue durably, upload.');
  withStationFlags(station.command('run').description('Run the station service in the foreground (SIGTERM/SIGINT stop it gracefully).'))
    .option('--status-port <n>', 'status server port (0 = any free port)', intOption('--status-port', 0, 65535))
    .option('--once', 'convert what is in the folders, upload everything, then exit (non-zero if anything failed)')
    .option('--grace <ms>', 'time in-flight work gets at shutdown', intOption('--grace', 0), 10_000)
    .action(async (opts) => (await import('./commands/station.js')).runStation(opts));
  station
    .command('init')
    .description('Write a commented config file (mode 600) and create its folders.')
    .option('--dir <dir>', 'where to put the config, watch folders and data', '.')
    .option('--url <url>', 'WATS server URL')
    .option('--token-file <file>', 'file holding the API token')
    .option('--station <name>', 'station name (default: this host name)')
    .option('--location <text>', 'station location')
    .option('--purpose <text>', 'station purpose')
    .option('--folder <name[=converter]>', 'a watch folder to create (repeatable; default in=auto)', collect)
    .option('--force', 'replace an existing config file')
    .action(async (opts) => (await import('./commands/station.js')).runStationInit(opts));
  withStationFlags(station.command('status').description("Show the running station's status (from its /status endpoint)."))
    .option('--status-url <url>', 'status server URL (default: from the config, else http://127.0.0.1:8391)')
    .option('--token <token>', 'bearer token of the status server (default: from the config)')
    .option('--json', 'print the status JSON')
    .action(async (opts) => (await import('./commands/station.js')).runStationStatus(opts));

  const queue = program.command('queue').description("The station's durable upload queue (works whether or not the station runs).");
  const queueCmd = (name: string, description: string) =>
    withStationFlags(queue.command(name).description(description))
      .option('--status-url <url>', 'status server of the running station (default: from the config)')
      .option('--token <token>', 'bearer token of the status server');
  queueCmd('list', 'List queued reports, oldest first.')
    .option('--state <state>', 'pending, failed or completed')
    .option('--limit <n>', 'at most this many', intOption('--limit', 1))
    .option('--json', 'print JSON')
    .action(async (opts) => (await import('./commands/queue.js')).runQueueList(opts));
  queueCmd('retry', 'Send failed reports again.')
    .argument('[id]', 'report id')
    .option('--all-failed', 'every failed report')
    .action(async (id: string | undefined, opts) => (await import('./commands/queue.js')).runQueueRetry(id, opts));
  queueCmd('purge', 'Remove items in a state, e.g. completed ones older than 7 days.')
    .option('--state <state>', 'pending, failed or completed', 'completed')
    .option('--older-than <duration>', 'e.g. 12h, 7d', '0ms')
    .action(async (opts) => (await import('./commands/queue.js')).runQueuePurge(opts));

  withStationFlags(
    program
      .command('submit')
      .description('Upload WSJF files (or folders of them) through a durable queue, with a progress bar.')
      .argument('<paths...>', 'WSJF files or folders'),
  )
    .option('--queue-dir <dir>', 'queue folder (default: <dataDir>/submit-queue, or ~/.tswats/submit-queue)')
    .option('--json', 'one JSON line per report')
    .option('--no-progress', 'no progress bar')
    .action(async (paths: string[], opts) => (await import('./commands/submit.js')).runSubmit(paths, opts));

  // VTE database → WATS.
  const vte = program.command('vte').description('Keysight VTE database → WATS: check, sync, the service, dead letters.');
  const vteCmd = (cmd: Command) =>
    cmd.requiredOption('-c, --config <file>', 'VTE config file (JSON; the file or its "vte" section)').option('--log-level <level>', 'fatal, error, warn, info, debug, trace, silent');
  vteCmd(vte.command('check').description('Check the config, the VTE schema, the database and WATS, and late runs behind the guard band (non-zero exit on problems).'))
    .option('--json', 'print the result as JSON')
    .action(async (opts) => (await import('./commands/vte.js')).runVteCheck(opts));
  vteCmd(vte.command('sync').description('One pass (the default, --once), a dry run, a backfill (--since/--until) or a forced re-send (--force).'))
    .option('--once', 'one normal pass (the default)')
    .option('--dry-run', 'read and map, upload nothing, write nothing')
    .option('--since <time>', 'range start, local VTE time (2026-03-01 or 2026-03-01T06:00:00): a backfill')
    .option('--until <time>', 'range end (exclusive), local VTE time')
    .option('--force', 're-send everything in --since/--until regardless of the ledger')
    .option('--json', 'print the pass summary as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (opts) => (await import('./commands/vte.js')).runVteSync(opts));
  vteCmd(vte.command('run').description('Run the sync service in the foreground (SIGUSR1 or POST /run: a pass now; SIGTERM/SIGINT stop it).'))
    .action(async (opts) => (await import('./commands/vte.js')).runVteService(opts));
  const dlq = vte.command('dlq').description('Dead letters: runs and repairs that could not be mapped or that WATS refused.');
  vteCmd(dlq.command('list').description('List the dead letters.'))
    .option('--json', 'print JSON')
    .action(async (opts) => (await import('./commands/vte.js')).runVteDlqList(opts));
  vteCmd(dlq.command('replay').description('Read, map and upload dead letters again (after fixing the data or the config).').argument('[guids...]', 'dead-letter GUIDs'))
    .option('--all', 'every dead letter')
    .option('--json', 'print JSON')
    .action(async (guids: string[], opts) => (await import('./commands/vte.js')).runVteDlqReplay(guids, opts));

  // IPC-CFX (AMQP 1.0 broker) → WATS.
  const cfx = program.command('cfx').description('IPC-CFX messages → WATS: map envelope files, publish them, the bridge service and its status.');
  const cfxConfig = (cmd: Command, what = 'bridge config file (YAML or JSON; default: built-in defaults + env CFX_BROKER_URL, CFX_BROKER_PASSWORD)') =>
    cmd.option('-c, --config <file>', what);
  cfxConfig(
    cfx
      .command('map')
      .description('Map CFX envelope files (JSON, a JSON array batch, or .gz) to WATS reports and updates, as the bridge would; sends nothing.')
      .argument('<files...>', 'envelope files')
      .addHelpText('after', '\nstdout: a JSON array with {file, envelopes: [{index, messageName, uniqueId, status, reports, assetUpdates, productionUpdates, warnings, error?}], error} per file\n(with --out: the paths written). stderr: "# <file> [i] <Message> <UniqueID>: <status>, N reports, ..." per envelope.\nWorkStarted/WorkCompleted and UUTs are remembered across the files of one run (give them in order). Exit 1 if any file or envelope failed.'),
    'bridge config file whose `mapping` section is used (default: the mapping defaults)',
  )
    .option('--out <dir>', 'write <file>.<n>.wsjf.json per report (and <file>.updates.json for asset/production updates) here')
    .action(async (files: string[], opts) => (await import('./commands/cfx.js')).runCfxMap(files, opts));
  cfxConfig(
    cfx
      .command('send')
      .description('Publish CFX envelope files to the broker in the CFX wire form and wait until it accepts each message.')
      .argument('<files...>', 'envelope files (JSON, a JSON array = one batched message, or .gz)')
      .addHelpText(
        'after',
        '\nThe broker: broker.url of --config, else env CFX_BROKER_URL, else amqp://127.0.0.1:5672 without credentials\n(RabbitMQ 3.x logs such a connection in as amqp1_0.default_user, guest by default, which it allows from localhost only).\nGive credentials in the URL (amqp://user@host:5672) and env CFX_BROKER_PASSWORD.\nThe subject <Source>.<MessageName> is the routing key on /exchange/<x>. Exit 1 when a file is not valid CFX\n(nothing is sent), the broker cannot be reached within 10 s, the address does not exist, or the broker does not\naccept a message. Nothing bound for the subject: RabbitMQ 4.x releases the message (exit 1, "could not route");\nRabbitMQ 3.x accepts and drops it, so check the bindings (e.g. #.CFX.# on a topic exchange).',
      ),
  )
    .option('--address <address>', 'where to publish (default: send.address of the config, else /exchange/amq.topic)')
    .option('--gzip', 'compress the bodies (content-encoding gzip; default: send.gzip of the config)')
    .option('--batch', 'send the envelopes of all files as one message (a JSON array)')
    .action(async (files: string[], opts) => (await import('./commands/cfx.js')).runCfxSend(files, opts));
  cfx
    .command('bridge')
    .description('Run the CFX → WATS bridge in the foreground (SIGTERM/SIGINT stop it gracefully: messages in flight finish or go back to the broker).')
    .requiredOption('-c, --config <file>', 'bridge config file (YAML or JSON; see deploy/cfx/cfx-bridge.example.yaml)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace, silent (default: log.level of the config)')
    .action(async (opts) => (await import('./commands/cfx.js')).runCfxBridge(opts));
  cfxConfig(cfx.command('status').description("Show the running bridge's status (from its /status endpoint)."), 'bridge config file (its http section says where the status server is)')
    .option('--url <url>', 'status server URL (default: from the config, else http://127.0.0.1:8089)')
    .option('--token <token>', 'bearer token of the status server (default: http.token of the config)')
    .option('--json', 'print the status JSON')
    .action(async (opts) => (await import('./commands/cfx.js')).runCfxStatus(opts));

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
