// `tempo-stack plan --traces-per-second N --spans-per-trace K [...]`: prints the Tempo deployment
// that carries a load (charts/tempo/plan.ts). Exit 0 with a plan, 1 when no deployment here
// carries the load (a ConfigError, as synth reports it), 2 on bad flags (with the usage).
import { ConfigError } from '../shared/validate';
import { PlanRequest, formatPlan, planDeployment } from '../tempo/plan';

/** The usage text printed with --help and after a flag error. */
export const USAGE = `usage: tempo-stack plan --traces-per-second N --spans-per-trace K [options]

  --traces-per-second N     traces started per second (required)
  --spans-per-trace K       average spans per trace (required)
  --bytes-per-span B        average span size over OTLP, in bytes (default 500)
  --min-bytes-per-span B    smallest span size to guard against (default 100, or B if smaller)
  --retention D             how long traces are kept, a Go duration (default 336h)
  --headroom H              how many times the load must still be kept (default 2)
  --trace-duration S        seconds from a trace's first span to its last (default 5)
  --metrics-generator       run the metrics-generator in every replica
  --help                    print this text
`;

/** A command-line mistake: an unknown flag, a missing or malformed value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const NUMBER_FLAGS: Record<string, keyof PlanRequest> = {
  '--traces-per-second': 'tracesPerSecond',
  '--spans-per-trace': 'spansPerTrace',
  '--bytes-per-span': 'bytesPerSpan',
  '--min-bytes-per-span': 'minBytesPerSpan',
  '--headroom': 'headroom',
  '--trace-duration': 'traceDurationSeconds',
};
const NUMBER = /^\d+(\.\d+)?$/;

/** Parses the flags into a request, or 'help'. Accepts `--flag value` and `--flag=value`. */
export function parsePlanArgs(argv: readonly string[]): PlanRequest | 'help' {
  const request: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--metrics-generator') {
      if (inline !== undefined) throw new UsageError('--metrics-generator takes no value');
      request.metricsGenerator = true;
      continue;
    }
    const key = NUMBER_FLAGS[flag] ?? (flag === '--retention' ? 'retention' : undefined);
    if (!key) throw new UsageError(`unknown argument '${arg}'`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    if (key in request) throw new UsageError(`${flag} given twice`);
    if (key === 'retention') {
      request.retention = value;
    } else {
      if (!NUMBER.test(value)) throw new UsageError(`${flag} must be a number, got '${value}'`);
      request[key] = Number(value);
    }
  }
  for (const required of ['--traces-per-second', '--spans-per-trace']) {
    if (!(NUMBER_FLAGS[required] in request)) throw new UsageError(`${required} is required`);
  }
  return request as unknown as PlanRequest;
}

/** Runs the command: writes to `out` / `err` and returns the exit code. */
export function runPlan(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  let request: PlanRequest | 'help';
  try {
    request = parsePlanArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`plan: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (request === 'help') {
    out(USAGE);
    return 0;
  }
  try {
    out(formatPlan(planDeployment(request)));
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(`plan failed:\n  ${error.message}\n`);
    return 1;
  }
}
