// The mock's options, written once: each one's name, type, default, command-line flag and help
// text. The CLI parses its arguments and prints its usage from this table, startMock() and
// serve() check their options with it, and the child process startMock starts receives what it
// checked. Following an option from the command line to its effect: this table, then the
// pipeline stage that reads it (src/pipeline/).
import { availableApis, mockBundleOf } from "./apis.js";
import {
  checkDelayOption,
  checkFailureRate,
  FaultOptionError,
  MAX_DELAY_MS,
  parseDelay,
  parseFailureRate,
  type DelayRange,
} from "./faults.js";

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** A bad option: the message names the option (as the caller wrote it) and what it accepts. */
export class MockOptionError extends Error {
  override name = "MockOptionError";
}

export interface OptionSpec<T> {
  /** The command-line flag, without `--`; none for options of the API only. */
  flag?: string;
  /** The placeholder of the flag's value in the usage text; none for a switch. */
  arg?: string;
  /** The usage text; continuation lines are indented by the usage printer. */
  help: string | (() => string);
  /** The value when the option is not given (the API's; `cliDefault` overrides it on the command line). */
  default?: T;
  cliDefault?: () => T;
  /** Reads the flag's text (switches have none). */
  parse?: (text: string) => T;
  /** Checks a value given through the API. */
  check?: (value: T) => void;
}

const spec = <T>(option: OptionSpec<T>) => option;

/** A value's problem, without the option's name: the caller names the option as its caller wrote it. */
class OptionProblem extends Error {}

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  const range =
    min === 1 && max === Number.MAX_SAFE_INTEGER
      ? "a positive integer"
      : min === Number.MIN_SAFE_INTEGER
        ? "an integer"
        : `an integer from ${min} to ${max}`;
  const check = (n: number) => {
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max)
      throw new OptionProblem(`must be ${range}, got ${JSON.stringify(n)}`);
  };
  return {
    check,
    parse: (text: string) => {
      const n = text.trim() === "" ? NaN : Number(text);
      if (!Number.isInteger(n) || n < min || n > max) throw new OptionProblem(`must be ${range}, got "${text}"`);
      return n;
    },
  };
}

const text = { parse: (value: string) => value };

export const MOCK_OPTIONS = {
  /** Which API to serve (see `availableApis()`): "daftra" (the default), "vmsalpha", "enkash-ar". */
  api: spec<string>({
    flag: "api",
    arg: "<name>",
    default: "daftra",
    help: () => `API to serve (${availableApis().join(", ")})`,
    ...text,
    check: (api) => void mockBundleOf(api),
  }),
  /** Serve this OpenAPI document (a bundle) instead of a bundled API. */
  specFile: spec<string>({ help: "Serve this OpenAPI document (a bundle) instead of a bundled API." }),
  /** Port to listen on; 0 (the API's default) picks a free one. */
  port: spec<number>({
    flag: "port",
    arg: "<n>",
    default: 0,
    cliDefault: () => Number(process.env.PORT ?? 4010),
    help: "Port, 0 for a free one. Default: 4010 (or $PORT)",
    ...integer(0, 65535),
  }),
  /** Interface to bind. Default 127.0.0.1. */
  host: spec<string>({ flag: "host", arg: "<addr>", default: "127.0.0.1", help: "Interface to bind", ...text }),
  /** Generate responses from schemas instead of serving examples. */
  dynamic: spec<boolean>({
    flag: "dynamic",
    default: false,
    help: "Generate responses from the schemas instead of the examples",
  }),
  /** Seed of the generators, for repeatable dynamic responses and injected faults. */
  seed: spec<number>({
    flag: "seed",
    arg: "<n>",
    help: "Seed for --dynamic, --delay ranges and --failure-rate, so a\nrun repeats (without it, faults use a random seed, printed on start)",
    ...integer(Number.MIN_SAFE_INTEGER),
  }),
  /** Wait this many milliseconds before each answer, or a random time in `{ min, max }` (drawn from `seed`). */
  delayMs: spec<number | DelayRange>({
    flag: "delay",
    arg: "<ms>",
    help: `Wait this long before every answer: 200, or a range 100-500 for a\nrandom delay in it (at most ${MAX_DELAY_MS} ms)`,
    parse: parseDelay,
    check: checkDelayOption,
  }),
  /** The share of requests (0 to 1) answered with 503 in the API's error shape, decided by `seed`. */
  failureRate: spec<number>({
    flag: "failure-rate",
    arg: "<r>",
    help: "Answer this share of requests (0 to 1; 0.2 is one in five) with 503\nin the API's error shape, to test retries",
    parse: parseFailureRate,
    check: checkFailureRate,
  }),
  /** Proxy to this upstream (a real Daftra account) and report where it breaks the spec. */
  upstream: spec<string>({
    flag: "proxy",
    arg: "<url>",
    help: "Forward to a real server (e.g. https://acme.daftra.com) and report\nevery request or response that breaks the spec. Invalid requests\nare forwarded too, unless --proxy-refuse-invalid is given",
    ...text,
    check: (url) => {
      if (typeof url !== "string" || !/^https?:\/\/[^/]+/.test(url))
        throw new OptionProblem(`must be an http(s) URL, got ${JSON.stringify(url)}`);
    },
  }),
  /** Proxy mode: answer an invalid request with its validation error instead of forwarding it. */
  refuseInvalid: spec<boolean>({
    flag: "proxy-refuse-invalid",
    default: false,
    help: "With --proxy: answer an invalid request with its validation\nerror instead of forwarding it",
  }),
  /**
   * Remember writes: a create answers with a fresh id, and reads, lists, updates and deletes see
   * it. Each `x-mock-session` request header value has its own records (src/state.ts).
   */
  stateful: spec<boolean>({
    flag: "stateful",
    default: false,
    help: "Remember writes: creates, updates and deletes change what reads and\nlists answer. Header `x-mock-session: <name>` keeps a test's records\napart; POST /__mock/reset forgets them",
  }),
  /**
   * The memory budget of the stateful store in MiB (records, their views and the answer cache, as
   * JSON bytes): a write past it is refused with 507. Default 256.
   */
  stateMaxMb: spec<number>({
    flag: "state-max-mb",
    arg: "<MiB>",
    default: 256,
    help: "With --stateful: refuse writes with 507 once the stored records\nand cached answers take this many MiB (POST /__mock/reset frees them)",
    ...integer(1, 1024 * 1024),
  }),
  /**
   * With `stateful`: keep the sessions in Redis (or Valkey) at this URL instead of this process's
   * memory, so that replicas behind a load balancer share them (src/state/redis.ts).
   */
  stateStore: spec<string>({
    flag: "state-store",
    arg: "<url>",
    help: "With --stateful: keep the records in Redis (redis://host:port/db),\nshared by every replica given the same URL",
    ...text,
    check: (url) => {
      if (typeof url !== "string" || !/^rediss?:\/\/[^/]/.test(url))
        throw new OptionProblem(`must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
    },
  }),
  /** With `stateStore`: a session is forgotten this many seconds after its last request. Default 3600. */
  sessionTtl: spec<number>({
    flag: "session-ttl",
    arg: "<s>",
    default: 3600,
    help: "With --state-store: forget a session this many seconds after its\nlast request",
    ...integer(1, 365 * 24 * 3600),
  }),
  /**
   * Host names the mock answers besides localhost, 127.0.0.1, ::1 and `host` (IP addresses are
   * always answered): a request whose Host header names another is refused with 403, so a web
   * page cannot reach the mock through DNS rebinding. `["*"]` answers any name.
   */
  allowedHosts: spec<string[]>({
    flag: "allowed-hosts",
    arg: "<names>",
    help: "Also answer requests for these host names (comma-separated; .example.com\nfor its subdomains too; * for any), e.g. the name of a container.\nOthers are refused with 403 (DNS rebinding)",
    parse: (value) =>
      value
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean),
    check: (names) => {
      if (!Array.isArray(names) || !names.every((name) => typeof name === "string" && name.length > 0))
        throw new OptionProblem(`must be a list of host names, got ${JSON.stringify(names)}`);
    },
  }),
  /** Refuse request bodies larger than this with 413. Default 10 MiB. */
  maxBodyBytes: spec<number>({
    flag: "max-body",
    arg: "<bytes>",
    default: DEFAULT_MAX_BODY_BYTES,
    help: "Refuse larger request bodies with 413 (10 MiB)",
    ...integer(1),
  }),
  /** Cut off a client that has not sent its headers within this time. Default 10 s. */
  headersTimeoutMs: spec<number>({
    flag: "headers-timeout",
    arg: "<ms>",
    default: DEFAULT_HEADERS_TIMEOUT_MS,
    help: "Cut off clients that have not sent their headers",
    ...integer(1),
  }),
  /** Cut off a client that has not sent its whole request within this time. Default 60 s. */
  requestTimeoutMs: spec<number>({
    flag: "request-timeout",
    arg: "<ms>",
    default: DEFAULT_REQUEST_TIMEOUT_MS,
    help: "Cut off clients that have not sent their request",
    ...integer(1),
  }),
  /**
   * Answer valid requests from Prism's stored answers after a check compiled per operation
   * (src/fast-path.ts). Default true; false sends every request through Prism's whole pipeline,
   * for comparison (the answers are the same, only slower).
   */
  fastPath: spec<boolean>({
    default: true,
    help: "Answer valid requests from Prism's stored answers (false: every request through Prism).",
  }),
  /** On SIGTERM: stop accepting, let the requests in flight finish for at most this long, then exit 0. Default 10 s. */
  shutdownTimeoutMs: spec<number>({
    flag: "shutdown-timeout",
    arg: "<ms>",
    default: DEFAULT_SHUTDOWN_TIMEOUT_MS,
    help: "On SIGTERM, stop accepting and let the requests in flight\nfinish for at most this long, then exit 0",
    ...integer(1),
  }),
  /** "json": one JSON line per request on stdout (time, method, path, operation, status, duration, session, violations); never a credential. */
  log: spec<"json">({
    flag: "log",
    arg: "<format>",
    help: "json: one JSON line per request on stdout (time, method, path,\noperation, status, duration, session, violations; never a\ncredential, a query string or a body)",
    parse: (value) => {
      if (value !== "json") throw new OptionProblem(`must be "json", got "${value}"`);
      return value;
    },
    check: (value) => {
      if (value !== "json") throw new OptionProblem(`must be "json", got ${JSON.stringify(value)}`);
    },
  }),
  /** Refuse a request body with fields its operation does not declare (400 naming them), instead of accepting it with a warning. */
  strictBodies: spec<boolean>({
    flag: "strict-bodies",
    default: false,
    help: "Refuse bodies with fields the operation does not declare (400\nnaming them). Without it they are accepted, as the server ignores\nthem, and each is a warning in /__mock/violations and the log",
  }),
  /** Write Prism's request log to stderr. */
  verbose: spec<boolean>({ flag: "verbose", default: false, help: "Show Prism's request log" }),
};

type Schema = typeof MOCK_OPTIONS;
/** Every option of the mock, as startMock() and serve() take them (documented in MOCK_OPTIONS). */
export type MockOptions = { [K in keyof Schema]?: Schema[K] extends OptionSpec<infer T> ? T : never };

const names = Object.keys(MOCK_OPTIONS) as (keyof Schema)[];
const specOf = (name: keyof Schema) => MOCK_OPTIONS[name] as OptionSpec<unknown>;

/** How the caller named an option: its flag on the command line, its property name in the API. */
type Naming = (name: keyof Schema) => string;
const apiNaming: Naming = (name) => name;
const cliNaming: Naming = (name) => `--${specOf(name).flag ?? name}`;

/** Checks options as the API takes them (startMock, serve), each and together; throws MockOptionError (FaultOptionError for the fault options). */
export function checkOptions(options: MockOptions, naming: Naming = apiNaming): void {
  for (const name of names) {
    const value = options[name];
    if (value === undefined) continue;
    const option = specOf(name);
    const kind = option.default === undefined ? undefined : typeof option.default;
    try {
      if (kind && typeof value !== kind) throw new OptionProblem(`must be a ${kind}, got ${JSON.stringify(value)}`);
      option.check?.(value);
    } catch (error) {
      if (error instanceof OptionProblem) throw new MockOptionError(`${naming(name)} ${error.message}`);
      throw error;
    }
  }
  const proxied = options.upstream !== undefined;
  if (proxied && options.dynamic)
    throw new MockOptionError(`${naming("dynamic")} and ${naming("upstream")} cannot be combined`);
  if (proxied && options.stateful)
    throw new MockOptionError(
      `${naming("stateful")} and ${naming("upstream")} cannot be combined: stateful mode answers from the spec's examples`,
    );
  if (options.stateStore !== undefined && !options.stateful)
    throw new MockOptionError(`${naming("stateStore")} needs ${naming("stateful")}`);
  if (options.refuseInvalid && !proxied)
    throw new MockOptionError(`${naming("refuseInvalid")} needs ${naming("upstream")}`);
}

/** An option's value, or its default. */
export function optionValue<K extends keyof Schema>(
  options: MockOptions,
  name: K,
): NonNullable<MockOptions[K]> | undefined {
  return (options[name] ?? (MOCK_OPTIONS[name] as OptionSpec<unknown>).default) as
    | NonNullable<MockOptions[K]>
    | undefined;
}

/** The `node:util` parseArgs configuration of the command line, from the table. */
export function parseArgsConfig() {
  const config: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
    version: { type: "boolean" },
  };
  for (const name of names) {
    const option = specOf(name);
    if (option.flag) config[option.flag] = { type: option.parse ? "string" : "boolean" };
  }
  return config;
}

/** The options a command line gives (parsed by `node:util` parseArgs with parseArgsConfig()), checked; throws MockOptionError. */
export function optionsFromArgs(values: Record<string, string | boolean | undefined>): MockOptions {
  const options: Record<string, unknown> = {};
  for (const name of names) {
    const option = specOf(name);
    if (!option.flag) continue;
    const raw = values[option.flag];
    if (raw === undefined || raw === false) {
      options[name] = option.cliDefault ? option.cliDefault() : option.default;
      continue;
    }
    if (!option.parse) {
      options[name] = true;
      continue;
    }
    try {
      options[name] = option.parse(String(raw));
    } catch (error) {
      if (error instanceof OptionProblem) throw new MockOptionError(`--${option.flag} ${error.message}`);
      if (error instanceof FaultOptionError) throw new MockOptionError(error.message);
      throw error;
    }
  }
  checkOptions(options as MockOptions, cliNaming);
  return options as MockOptions;
}

/** The usage text of the CLI, from the table. */
export function usage(): string {
  const WIDTH = 19;
  const lines: string[] = [];
  for (const name of names) {
    const option = specOf(name);
    if (!option.flag) continue;
    const head = `--${option.flag}${option.arg ? ` ${option.arg}` : ""}`;
    const help = typeof option.help === "function" ? option.help() : option.help;
    const shown =
      option.default !== undefined && option.parse && !option.cliDefault ? `${help}. Default: ${option.default}` : help;
    const [first, ...rest] = shown.split("\n");
    lines.push(head.length < WIDTH ? `  ${head.padEnd(WIDTH)}${first}` : `  ${head}  ${first}`);
    for (const line of rest) lines.push(`  ${" ".repeat(WIDTH)}${line}`);
  }
  return `Usage: mizan-mock [options]

Serves a mock of an API from the OpenAPI document bundled in this package.

Options:
${lines.join("\n")}
  -h, --help         Show this help
  --version          Show this package's version

Ask for a documented answer with a header: \`Prefer: code=404\` or \`Prefer: example=<name>\`.
Per request: \`Prefer: delay=<ms>\` answers late, \`Prefer: code=503\` fails even where the
operation does not document that status (any 4xx or 5xx).`;
}
