/**
 * `npm run bench [-- --rounds 60 --requests 2000 --connections 10 --skip-load --json --check]`
 *
 * Measures what issue 9 asks for, on this machine, in one run: for every function of the packaged
 * `dev` stage its bundle size and cold import time (a ratio to a bare `node -e ''`, and for
 * functions with SDK clients to the SDK floor); the authorizer's verifications per second and
 * rejection time; the middy stack's overhead per call; and the local API's latency and errors
 * under a bounded load. Prints a table (or the JSON with `--json`) and always writes
 * `.local/bench-results.json`; with `--check` it exits 1 when a target is unmet. Progress goes to
 * stderr.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { AuthorizerFigures } from "./bench/authorizer.js";
import {
  buildFloors,
  bundleLikeFunctions,
  packagedBundles,
  withDefaultCredentialChain,
} from "./bench/bundles.js";
import { measureColdImports, type ColdTarget } from "./bench/cold-start.js";
import { benchDevLoop } from "./bench/dev-loop.js";
import { benchLocalApi } from "./bench/load.js";
import type { MiddyFigures } from "./bench/middy.js";
import type { Micros } from "./bench/timing.js";
import {
  checkTargets,
  DEFAULT_CHAIN,
  formatResults,
  kb,
  type FunctionFigures,
  type ReferenceFigures,
  type Results,
} from "./bench/report.js";

const root = resolve(import.meta.dirname, "..");
const workDir = join(root, ".local", "bench");
const resultsFile = join(root, ".local", "bench-results.json");
const STAGE = "dev";
const MICRO_BENCH_MS = 4500;

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The floors' names: environment-only credentials (as deployed), and the SDK's default chain. */
const envFloor = (clients: string) => `SDK floor ${clients}`;
const defaultFloor = (clients: string) => `SDK floor ${clients}${DEFAULT_CHAIN}`;

/** Bundles that calibrate the ratios: what loading any bundle costs, and the reference. */
const CALIBRATION = {
  "empty module": "scripts/bench/empty-module.ts",
  "reference authorizer": "scripts/bench/reference-authorizer.ts",
};

/** Runs the authorizer and middy benchmarks, bundled like the functions, in a fresh process. */
async function microBenchmarks(custom: Record<string, unknown>) {
  const { file } = await bundleLikeFunctions(
    custom,
    join(root, "scripts/bench/micro.ts"),
    join(workDir, "micro"),
  );
  const out = join(workDir, "micro", "results.json");
  const run = spawnSync(process.execPath, [file, out, String(MICRO_BENCH_MS)], {
    // What serverless.yml gives every function and the handlers read at their first request.
    env: {
      PATH: process.env["PATH"],
      AWS_REGION: "us-east-1",
      LOG_LEVEL: "info",
      CORS_ORIGIN: "https://app.example.com",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (run.status !== 0) throw new Error("The authorizer and middy benchmarks failed");
  return JSON.parse(readFileSync(out, "utf8")) as {
    authorizer: AuthorizerFigures;
    middy: MiddyFigures;
    getMe: Micros;
  };
}

function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a whole number`);
  return parsed;
}

async function main(): Promise<void> {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  process.env["AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE"] ??= "1";
  const { values } = parseArgs({
    options: {
      rounds: { type: "string" },
      requests: { type: "string" },
      connections: { type: "string" },
      "skip-load": { type: "boolean", default: false },
      "skip-dev-loop": { type: "boolean", default: false },
      "skip-npm-test": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      check: { type: "boolean", default: false },
    },
    strict: true,
  });
  const rounds = count(values.rounds, "rounds", 60);
  const requests = count(values.requests, "requests", 2000);
  const connections = count(values.connections, "connections", 10);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });

  log(`Packaging stage ${STAGE} (serverless package)…`);
  const { bundles, esbuild, runtime } = await packagedBundles(root, workDir, STAGE);
  const clientSets = bundles.map((b) => b.sdkClients);
  const floors = await buildFloors(join(workDir, "floors-env"), esbuild, clientSets);
  const defaultFloors = await buildFloors(
    join(workDir, "floors-default"),
    withDefaultCredentialChain(esbuild),
    clientSets,
  );
  const references = [
    ...floors.map((f) => ({ ...f, name: envFloor(f.name), kind: "floor" as const })),
    ...defaultFloors.map((f) => ({ ...f, name: defaultFloor(f.name), kind: "floor" as const })),
    ...(await Promise.all(
      Object.entries(CALIBRATION).map(async ([name, entry]) => ({
        name,
        kind: "calibration" as const,
        ...(await bundleLikeFunctions(esbuild, join(root, entry), join(workDir, "calibration"))),
      })),
    )),
  ];

  const providerNodeOptions = bundles[0]?.nodeOptions;
  const targets: ColdTarget[] = [
    { id: "bare", args: ["-e", ""] },
    ...bundles.map((b) => ({ id: b.name, args: [b.file], nodeOptions: b.nodeOptions })),
    ...references.map((r) => ({ id: r.name, args: [r.file], nodeOptions: providerNodeOptions })),
  ];
  log(`Cold imports: ${rounds} rounds over ${targets.length} processes…`);
  const cold = measureColdImports(targets, rounds, (round) => {
    if (round % 5 === 0 || round === rounds) log(`  round ${round}/${rounds}`);
  });
  const coldMs = (id: string) => cold.get(id)?.medianMs ?? NaN;
  const coldMinMs = (id: string) => cold.get(id)?.minMs ?? NaN;
  const bareNodeMs = coldMs("bare");
  const referenceFigures: ReferenceFigures[] = references.map((r) => ({
    name: r.name,
    kind: r.kind,
    kb: kb(r.bytes),
    coldMs: coldMs(r.name),
    coldMinMs: coldMinMs(r.name),
    ratioToBare: coldMs(r.name) / bareNodeMs,
  }));
  const functions: FunctionFigures[] = bundles.map(({ file: _file, ...bundle }) => {
    const floor = bundle.sdkClients.join("+");
    const ms = coldMs(bundle.name);
    return {
      ...bundle,
      kb: kb(bundle.bytes),
      coldMs: ms,
      coldMinMs: coldMinMs(bundle.name),
      ratioToBare: ms / bareNodeMs,
      ...(floor === ""
        ? {}
        : {
            floor,
            ratioToFloor: ms / coldMs(envFloor(floor)),
            ratioToDefaultFloor: ms / coldMs(defaultFloor(floor)),
          }),
    };
  });

  log("Authorizer throughput and middy overhead (bundled, in a fresh process)…");
  const { authorizer, middy, getMe } = await microBenchmarks(esbuild);

  let localApi = null;
  if (!values["skip-load"]) {
    log("Local API: starting the local stack…");
    localApi = await benchLocalApi(
      join(workDir, "stack"),
      { requests, connections, warmup: connections * 10 },
      (line) => log(`  ${line}`),
    );
  }

  let devLoop = null;
  if (!values["skip-dev-loop"]) {
    log("Developer loop…");
    devLoop = await benchDevLoop(root, workDir, { npmTest: !values["skip-npm-test"] }, (line) =>
      log(`  ${line}`),
    );
  }

  const machine: Results["machine"] = {
    cpus: cpus().length,
    model: cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    lambdaRuntime: runtime,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
  const results: Results = {
    machine,
    settings: { stage: STAGE, rounds, requests, connections },
    bareNodeMs,
    references: referenceFigures,
    functions,
    authorizer,
    middy,
    getMeCpu: getMe,
    localApi,
    devLoop,
    targets: checkTargets(functions, authorizer, localApi, machine, devLoop),
  };
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(
    values.json ? `${JSON.stringify(results, null, 2)}\n` : `${formatResults(results)}\n`,
  );
  log(`Results written to ${resultsFile}`);
  if (values.check && results.targets.some((t) => !t.met)) process.exitCode = 1;
}

try {
  await main();
} catch (error) {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
