/**
 * Validation helpers shared by every component. Every error has one shape:
 * `<component>: '<prop>' <problem>, got <value>; <fix>`, thrown at construction, before anything
 * is written.
 */

/** A configuration error found at synth time. */
export class ConfigError extends Error {
  /**
   * @param message the whole message, in the project's format
   * @param detail where the error lies and what to do, when it is about one prop: a config file
   *   reader uses it to name the path inside the file
   */
  constructor(message: string, public readonly detail?: ConfigErrorDetail) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The parts of a ConfigError about one prop. */
export interface ConfigErrorDetail {
  /** The component (`tempo`, `prometheus`, `grafana`, `minio`, `stack`, ...). */
  readonly component: string;
  /** The prop's path inside the component's props, e.g. `resources.limits.memory`. */
  readonly prop: string;
  /** What is wrong, e.g. `must be 1 in single-node mode`. */
  readonly problem: string;
  /** The offending value, formatted with describe(). */
  readonly got: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Formats a value for an error message: strings quoted, objects as JSON. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

/** A ConfigError about one prop, its message in the project's format. */
export function configError(detail: ConfigErrorDetail): ConfigError {
  const { component, prop, problem, got, fix } = detail;
  return new ConfigError(`${component}: '${prop}' ${problem}, got ${got}; ${fix}`, detail);
}

/** Throws a ConfigError in the project's format. */
export function fail(component: string, prop: string, problem: string, got: unknown, fix: string): never {
  throw configError({ component, prop, problem, got: describe(got), fix });
}

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks an RFC 1035 label (what Service names must be). `maxLength` leaves room for suffixes
 * the component appends (`-headless`, pod ordinals).
 */
export function checkDnsLabel(component: string, prop: string, value: string, maxLength = 63, example = component): string {
  if (typeof value !== 'string' || !DNS_1035_LABEL.test(value) || value.length > maxLength) {
    fail(component, prop, `must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most ${maxLength} characters)`,
      value, `pick a name such as '${example}'`);
  }
  return value;
}

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Checks an RFC 1123 subdomain (at most 253 characters, dot-separated labels of lower-case
 * letters, digits and '-'): what the names of Secrets, StorageClasses and most other objects
 * must be.
 */
export function checkDnsSubdomain(component: string, prop: string, value: string, example: string): string {
  if (typeof value !== 'string' || !DNS_1123_SUBDOMAIN.test(value) || value.length > 253) {
    fail(component, prop,
      'must be a DNS subdomain (lower-case letters, digits, \'-\' and \'.\', starting and ending alphanumeric, at most 253 characters)',
      value, `name an object such as '${example}'`);
  }
  return value;
}

const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Checks a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric (or empty). */
export function checkLabelValue(component: string, prop: string, value: string, example: string): string {
  if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
    fail(component, prop, 'must be a label value (at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending alphanumeric)', value,
      `use e.g. '${example}'`);
  }
  return value;
}

// A Docker reference's repository part: an optional registry host[:port], then lower-case path
// components separated by '/', each of alphanumerics joined by '.', '_', '__' or '-'s.
const IMAGE_REPOSITORY = /^(?:[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(?:\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** Checks an image repository (`grafana/tempo`, `registry.acme.example:5000/mirror/tempo`): no tag, no digest, no upper case. */
export function checkImageRepository(component: string, prop: string, value: string, example: string): string {
  if (typeof value !== 'string' || !IMAGE_REPOSITORY.test(value) || value.length > 255) {
    fail(component, prop, 'must be an image repository without tag or digest (lower-case path, optional registry host)', value,
      `write e.g. '${example}' and put the version in image.tag`);
  }
  return value;
}

/** Checks a whole number within [min, max]. */
export function checkInteger(component: string, prop: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER, fix?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    fail(component, prop, `must be ${range}`, value, fix ?? `use ${range}`);
  }
  return value;
}

/** Checks a finite number greater than zero (or >= min). */
export function checkPositiveNumber(component: string, prop: string, value: number, min = Number.MIN_VALUE): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const bound = min === Number.MIN_VALUE ? 'greater than 0' : `at least ${min}`;
    fail(component, prop, `must be a number ${bound}`, value, `use a number ${bound}`);
  }
  return value;
}

const GO_DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const GO_DURATION = /^(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const GO_DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/**
 * Checks a duration in Go's `time.ParseDuration` syntax (what Tempo's config accepts: `30s`,
 * `1h30m`, `336h`; no days) and returns it in seconds. Zero and negative durations are refused.
 */
export function checkDuration(component: string, prop: string, value: string): number {
  if (typeof value !== 'string' || !GO_DURATION.test(value)) {
    fail(component, prop, 'must be a Go duration such as \'30s\', \'5m\' or \'336h\'', value,
      'write it with the units ns, us, ms, s, m or h (days are not accepted: write 7d as \'168h\')');
  }
  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(GO_DURATION_PART)) seconds += Number(amount) * GO_DURATION_UNITS[unit];
  if (seconds <= 0) fail(component, prop, 'must be longer than zero', value, 'use a positive duration such as \'30s\'');
  return seconds;
}

const QUANTITY = /^(\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const QUANTITY_SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * Checks a Kubernetes quantity (`500m`, `2`, `512Mi`, `10Gi`) and returns its value (cores for
 * CPU, bytes for memory and storage). Zero is refused.
 */
export function checkQuantity(component: string, prop: string, value: string, example: string): number {
  const match = typeof value === 'string' ? QUANTITY.exec(value) : null;
  const amount = match ? Number(match[1]) * QUANTITY_SUFFIX[match[2] ?? ''] : 0;
  if (!match || amount <= 0) {
    fail(component, prop, 'must be a positive Kubernetes quantity', value, `write it like '${example}'`);
  }
  return amount;
}

/** Checks that an image tag is pinned: present, not `latest`, and a valid tag. `example` is a good tag to suggest. */
export function checkImageTag(component: string, prop: string, value: string, example: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(value) || value === 'latest') {
    fail(component, prop, 'must be a pinned image tag', value, `use an exact version such as '${example}' (never 'latest')`);
  }
  return value;
}

/** Checks that a value is one of a fixed set. */
export function checkOneOf<T extends string>(component: string, prop: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    fail(component, prop, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value, `pick one of ${allowed.join(', ')}`);
  }
  return value;
}

/** Formats a byte count as a memory quantity rounded up to whole MiB (`1300Mi`), for messages and requests. */
export function formatMiB(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20)}Mi`;
}
