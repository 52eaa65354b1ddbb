/**
 * The developer's loop, timed as a developer meets it: `npm start` until its ready line, with a
 * fresh state folder and again with the one the first start left (warm), then `npm run
 * test:unit` and `npm test`. The stack runs on free ports in a state folder of its own
 * (LOCAL_STATE_DIR), so a developer's own stack is never disturbed.
 */
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { freePorts } from "../local/ports.js";
import { killGroup } from "../local/processes.js";

export interface DevLoopFigures {
  /** `npm start` to its ready line with an empty state folder, and with the previous one. */
  startFreshMs: number;
  startWarmMs: number;
  unitTestsMs: number;
  /** Null with `--skip-npm-test`. */
  npmTestMs: number | null;
  /** Whether each command passed: a failure is a result too, not a reason to lose the others. */
  unitTestsPassed: boolean;
  npmTestPassed: boolean | null;
}

const READY = "Local stack ready:";
const START_TIMEOUT_MS = 180_000;

/** Starts the stack, resolves with the time to its ready line, then stops it with Ctrl-C. */
async function timeStart(root: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/local-stack.ts"],
    {
      cwd: root,
      detached: true,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const ready = new Promise<number>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`npm start: not ready in ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY)) {
        clearTimeout(timer);
        done(performance.now() - started);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`npm start exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });
  try {
    return await ready;
  } finally {
    if (child.pid !== undefined) killGroup(child.pid, "SIGINT");
    await exited;
  }
}

function timeCommand(root: string, args: string[]): { ms: number; passed: boolean } {
  const started = performance.now();
  const run = spawnSync("npm", args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  return { ms: performance.now() - started, passed: run.status === 0 };
}

export async function benchDevLoop(
  root: string,
  workDir: string,
  options: { npmTest: boolean },
  log: (line: string) => void,
): Promise<DevLoopFigures> {
  const stateDir = join(workDir, "dev-loop-state");
  rmSync(stateDir, { recursive: true, force: true });
  const ports = await freePorts();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCAL_STATE_DIR: stateDir,
    API_PORT: String(ports.api),
    LAMBDA_PORT: String(ports.lambda),
    COGNITO_PORT: String(ports.cognito),
    DYNAMODB_PORT: String(ports.dynamodb),
    S3_PORT: String(ports.s3),
    DEMO_PORT: String(ports.demo),
  };
  log("npm start with a fresh state folder…");
  const startFreshMs = await timeStart(root, env);
  log("npm start again (warm)…");
  const startWarmMs = await timeStart(root, env);
  rmSync(stateDir, { recursive: true, force: true });
  log("npm run test:unit…");
  const unit = timeCommand(root, ["run", "test:unit"]);
  let npmTest: { ms: number; passed: boolean } | null = null;
  if (options.npmTest) {
    log("npm test (the whole suite)…");
    npmTest = timeCommand(root, ["test"]);
  }
  return {
    startFreshMs,
    startWarmMs,
    unitTestsMs: unit.ms,
    unitTestsPassed: unit.passed,
    npmTestMs: npmTest?.ms ?? null,
    npmTestPassed: npmTest?.passed ?? null,
  };
}
