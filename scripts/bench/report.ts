/**
 * The benchmark's results: the figures, the targets of issue 9 checked against them, and the
 * human-readable table. Sizes are in KB of 1000 bytes (the stricter reading of "KB").
 */
import type { AuthorizerFigures } from "./authorizer.js";
import type { DevLoopFigures } from "./dev-loop.js";
import type { FunctionBundle } from "./bundles.js";
import type { RouteLoad } from "./load.js";
import type { MiddyFigures } from "./middy.js";
import type { Micros } from "./timing.js";

export interface FunctionFigures extends Omit<FunctionBundle, "file"> {
  kb: number;
  /** Median cold import, and the fastest of the rounds (the least disturbed by other load). */
  coldMs: number;
  coldMinMs: number;
  ratioToBare: number;
  /** The SDK floor it is compared with, for functions that bundle SDK clients. */
  floor?: string;
  /** To the floor built as the functions are, with environment-only credentials. */
  ratioToFloor?: number;
  /** To the floor of the SDK's default credential chain (what a plain bundle carries). */
  ratioToDefaultFloor?: number;
}

/** SDK floors and calibration bundles, cold-imported in the same rounds as the functions. */
export interface ReferenceFigures {
  name: string;
  kind: "floor" | "calibration";
  kb: number;
  coldMs: number;
  coldMinMs: number;
  ratioToBare: number;
}

export interface TargetCheck {
  target: string;
  subject: string;
  value: number;
  limit: number;
  met: boolean;
}

export interface Results {
  machine: {
    cpus: number;
    model: string;
    /** The Node.js that ran every measurement (`v22.23.5`). */
    node: string;
    /** The functions' Lambda runtime (`nodejs22.x`), from the packaged service. */
    lambdaRuntime: string;
    platform: string;
    date: string;
  };
  settings: { stage: string; rounds: number; requests: number; connections: number };
  bareNodeMs: number;
  references: ReferenceFigures[];
  functions: FunctionFigures[];
  authorizer: AuthorizerFigures;
  middy: MiddyFigures;
  /** CPU per warm GET /me against an in-process DynamoDB stand-in (scripts/bench/get-me.ts). */
  getMeCpu: Micros;
  localApi: RouteLoad[] | null;
  /** Null with `--skip-dev-loop`. */
  devLoop: DevLoopFigures | null;
  targets: TargetCheck[];
}

export const kb = (bytes: number) => bytes / 1000;

/** Lambda gives a function one full vCPU at 1,769 MB, and a share in proportion below it. */
export const FULL_VCPU_MB = 1769;
/** A GetItem in the same region, as the sweep assumes it (docs/capacity.md). */
export const SWEEP_WAIT_MS = 5;
/** The memory sizes the sweep weighs. */
export const SWEEP_MB = [128, 256, 512, 1024, 1769] as const;
/** Lambda arm64 list prices, us-east-1 (docs/capacity.md gives the date). */
const PRICE_PER_GB_SECOND = 0.0000133334;
const PRICE_PER_MILLION_REQUESTS = 0.2;

export interface SweepRow {
  memoryMb: number;
  vcpu: number;
  /** The measured cold import stretched by the CPU share: a cold import is CPU-bound. */
  coldImportMs: number;
  /** CPU work stretched by the share, plus the waits on other services, which are not. */
  warmMs: number;
  /** Per million warm invocations, billed by the whole millisecond. */
  warmCostPerMillion: number;
}

/**
 * The memory sweep, as a model over measured inputs: `coldMs` (a cold import on one core of this
 * machine), `cpuMs` (a warm invocation's own CPU work) and `waitMs` (its time waiting on
 * DynamoDB and the like, which memory does not change).
 */
export function memorySweep(coldMs: number, cpuMs: number, waitMs: number): SweepRow[] {
  return SWEEP_MB.map((memoryMb) => {
    const vcpu = Math.min(1, memoryMb / FULL_VCPU_MB);
    const warmMs = cpuMs / vcpu + waitMs;
    const gbSeconds = (Math.ceil(warmMs) / 1000) * (memoryMb / 1024);
    return {
      memoryMb,
      vcpu,
      coldImportMs: coldMs / vcpu,
      warmMs,
      warmCostPerMillion: PRICE_PER_MILLION_REQUESTS + gbSeconds * PRICE_PER_GB_SECOND * 1e6,
    };
  });
}

/** How the name of an SDK floor built with the SDK's default credential chain ends. */
export const DEFAULT_CHAIN = ", default chain";

function atMost(target: string, subject: string, value: number, limit: number): TargetCheck {
  return { target, subject, value, limit, met: value <= limit };
}

/** The major version of `v22.23.5` or of `nodejs22.x`; NaN for anything else. */
export function nodeMajor(version: string): number {
  const major = /^(?:v|nodejs)(\d+)\./.exec(version)?.[1];
  return major === undefined ? NaN : Number(major);
}

/**
 * Every target of issue 9 that these figures can be checked against, and that they were measured
 * on the Node.js major version Lambda runs: start-up and module loading differ between majors.
 */
export function checkTargets(
  functions: FunctionFigures[],
  authorizer: AuthorizerFigures,
  localApi: RouteLoad[] | null,
  { node, lambdaRuntime }: Pick<Results["machine"], "node" | "lambdaRuntime">,
  devLoop: DevLoopFigures | null = null,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const measured = nodeMajor(node);
  const deployed = nodeMajor(lambdaRuntime);
  checks.push({
    target: `measured on Lambda's Node.js major (${lambdaRuntime})`,
    subject: `node ${node}`,
    value: measured,
    limit: deployed,
    met: measured === deployed,
  });
  for (const fn of functions) {
    const usesSdk = fn.sdkClients.length > 0;
    if (fn.kind === "authorizer") checks.push(atMost("authorizer ≤ 25 KB", fn.name, fn.kb, 25));
    else if (!usesSdk) checks.push(atMost("no-SDK function ≤ 20 KB", fn.name, fn.kb, 20));
    checks.push(atMost("bundle ≤ 800 KB", fn.name, fn.kb, 800));
    if (fn.ratioToFloor !== undefined) {
      checks.push(atMost("cold import ≤ 1.15× SDK floor", fn.name, fn.ratioToFloor, 1.15));
      checks.push(
        atMost(
          "cold import ≤ 0.85× default-chain SDK floor",
          fn.name,
          fn.ratioToDefaultFloor ?? NaN,
          0.85,
        ),
      );
    } else {
      checks.push(atMost("cold import ≤ 1.3× bare node", fn.name, fn.ratioToBare, 1.3));
    }
  }
  const perSecond = authorizer.verifications.best;
  checks.push({
    target: "authorizer ≥ 15,000 verifications/s",
    subject: "adminAuthorizer",
    value: perSecond,
    limit: 15_000,
    met: perSecond >= 15_000,
  });
  for (const route of localApi ?? []) {
    checks.push(atMost("local API: 0 errors", route.route, route.errors + route.warmupErrors, 0));
  }
  if (devLoop) {
    checks.push(atMost("npm start ready ≤ 15 s warm", "npm start", devLoop.startWarmMs / 1000, 15));
    checks.push(atMost("npm run test:unit ≤ 30 s", "test:unit", devLoop.unitTestsMs / 1000, 30));
    for (const [command, passed] of [
      ["npm run test:unit", devLoop.unitTestsPassed],
      ["npm test", devLoop.npmTestPassed],
    ] as const) {
      if (passed !== null) {
        checks.push({
          target: `${command} passes`,
          subject: command,
          value: Number(passed),
          limit: 1,
          met: passed,
        });
      }
    }
  }
  return checks;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

/** A floor's cold import as a ratio to the default-chain floor of the same clients. */
function defaultFloorColumn(results: Results, r: ReferenceFigures): string {
  if (r.kind !== "floor") return "-";
  const name = r.name.endsWith(DEFAULT_CHAIN) ? r.name : `${r.name}${DEFAULT_CHAIN}`;
  const base = results.references.find((other) => other.name === name);
  return base === undefined ? "-" : fixed(r.coldMs / base.coldMs, 2);
}

/** The results as text tables. */
export function formatResults(results: Results): string {
  const { machine, settings } = results;
  const out: string[] = [];
  out.push(
    `Benchmark — ${machine.date}, ${machine.cpus} × ${machine.model}, stage ${settings.stage}, ` +
      `${settings.rounds} rounds`,
    `Measured on Node.js ${machine.node}; the functions run on Lambda ${machine.lambdaRuntime}` +
      (nodeMajor(machine.node) === nodeMajor(machine.lambdaRuntime)
        ? "."
        : ` — another major: \`npm run bench\` runs on Lambda's (scripts/lambda-node.sh).`),
    "",
    `Bare node -e '': ${fixed(results.bareNodeMs, 1)} ms (median)`,
    "",
    table(
      [
        "function",
        "kind",
        "KB",
        "map KB",
        "zip KB",
        "SDK clients",
        "cold ms",
        "× bare",
        "× floor",
        "× default",
      ],
      [
        ...results.functions.map((fn) => [
          fn.name,
          fn.kind,
          fixed(fn.kb, 1),
          fixed(kb(fn.sourceMapBytes), 0),
          fixed(kb(fn.zipBytes), 0),
          fn.sdkClients.join("+") || "-",
          fixed(fn.coldMs, 1),
          fixed(fn.ratioToBare, 2),
          fn.ratioToFloor === undefined ? "-" : fixed(fn.ratioToFloor, 2),
          fn.ratioToDefaultFloor === undefined ? "-" : fixed(fn.ratioToDefaultFloor, 2),
        ]),
        ...results.references.map((r) => [
          `(${r.name})`,
          r.kind,
          fixed(r.kb, 1),
          "",
          "",
          "",
          fixed(r.coldMs, 1),
          fixed(r.ratioToBare, 2),
          r.kind === "floor" && !r.name.endsWith(DEFAULT_CHAIN) ? "1.00" : "-",
          defaultFloorColumn(results, r),
        ]),
      ],
    ),
    "",
  );
  const a = results.authorizer;
  out.push(
    `Authorizer, warm key cache, one thread: ${fixed(a.verifications.best, 0)} verifications/s ` +
      `(${fixed(a.verifications.wall, 0)}/s wall-clock in this run); verify() alone ` +
      `${fixed(a.verifyOnly.best, 0)}/s; a bare RSA-2048 signature check ` +
      `${fixed(a.signatureOnly.best, 0)}/s on the same core, so the authorizer runs at ` +
      `${fixed((100 * a.verifications.best) / a.signatureOnly.best, 0)}% of that ceiling. ` +
      `Rejects a malformed header in ${fixed(a.rejectMalformedHeader.best, 1)} µs, a malformed ` +
      `JWT in ${fixed(a.rejectMalformedJwt.best, 1)} µs (log line built, not written).`,
  );
  const m = results.middy;
  out.push(
    `Middy stack api(): ${fixed(m.api.best, 2)} µs per call vs ${fixed(m.bare.best, 2)} µs for the ` +
      `bare handler: ${fixed(m.overhead.best, 2)} µs overhead.`,
    "(Rates and times: best batch by CPU time, see docs/performance.md; wall-clock medians in the JSON.)",
    "",
  );
  if (results.localApi) {
    out.push(
      table(
        ["local API", "requests", "connections", "p50 ms", "p99 ms", "req/s", "errors"],
        results.localApi.map((r) => [
          r.route,
          String(r.requests),
          String(r.connections),
          fixed(r.p50Ms, 1),
          fixed(r.p99Ms, 1),
          fixed(r.requestsPerSecond, 0),
          `${r.errors} (+${r.warmupErrors} warm-up)`,
        ]),
      ),
      "",
    );
    for (const r of results.localApi) {
      for (const sample of r.errorSamples) out.push(`  ${r.route} error: ${sample}`);
    }
  } else {
    out.push("Local API: skipped (--skip-load)", "");
  }
  const coldGetMe = results.functions.find((fn) => fn.name === "getMe")?.coldMs ?? NaN;
  out.push(
    `GET /me, warm, CPU per invocation: ${fixed(results.getMeCpu.best, 0)} µs (handler, SDK ` +
      `request and signing, response parsing; DynamoDB itself not included).`,
    "",
    `Memory sweep for a data route (model: the cold import of getMe, ${fixed(coldGetMe, 0)} ms ` +
      `on one core here, and its warm CPU stretch by the vCPU share; ${SWEEP_WAIT_MS} ms waiting ` +
      `on DynamoDB do not):`,
    table(
      ["memory MB", "vCPU", "cold import ms", "warm ms", "$ per million warm"],
      memorySweep(coldGetMe, results.getMeCpu.best / 1000, SWEEP_WAIT_MS).map((row) => [
        String(row.memoryMb),
        fixed(row.vcpu, 2),
        fixed(row.coldImportMs, 0),
        fixed(row.warmMs, 1),
        fixed(row.warmCostPerMillion, 3),
      ]),
    ),
    "",
  );
  const d = results.devLoop;
  out.push(
    d
      ? `Developer loop: npm start ready in ${fixed(d.startFreshMs / 1000, 1)} s with a fresh ` +
          `state folder, ${fixed(d.startWarmMs / 1000, 1)} s warm; npm run test:unit ` +
          `${fixed(d.unitTestsMs / 1000, 1)} s${d.unitTestsPassed ? "" : " (FAILED)"}; npm test ` +
          (d.npmTestMs === null
            ? "skipped (--skip-npm-test)."
            : `${fixed(d.npmTestMs / 1000, 0)} s${d.npmTestPassed === false ? " (FAILED)" : ""}.`)
      : "Developer loop: skipped (--skip-dev-loop)",
    "",
  );
  const unmet = results.targets.filter((t) => !t.met);
  out.push(
    unmet.length === 0
      ? `All ${results.targets.length} targets met.`
      : `${unmet.length} of ${results.targets.length} targets unmet:\n` +
          unmet
            .map((t) => `  ${t.target}: ${t.subject} ${fixed(t.value, 2)} (limit ${t.limit})`)
            .join("\n"),
  );
  return out.join("\n");
}
