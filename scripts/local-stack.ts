/**
 * `npm start`: the whole local stack on this machine until Ctrl-C (docs/local-stack.md).
 * State lives in `.local/`; `.local/stack.lock` makes a second start fail fast and lets a start
 * after a crash clean up what the crashed run left behind.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { localStateDir } from "./local/environment.js";
import { ensurePortsFree, type Ports } from "./local/ports.js";
import { isRunning, killGroupsAndWait } from "./local/processes.js";
import { createStack, type RunningStack } from "./local/stack.js";

/** `.local` by default; LOCAL_STATE_DIR lets a test run a second `npm start` beside yours. */
const stateDir = localStateDir();
const lockFile = join(stateDir, "stack.lock");
const stackFile = join(stateDir, "stack.json");

interface Lock {
  pid: number;
  children: number[];
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`${name} must be a port number (1-65535), got "${raw}"`);
    process.exit(2);
  }
  return value;
}

/**
 * Takes `stack.lock`, or exits when a live stack holds it. A lock left by a run that died without
 * cleaning up (kill -9, a crash) names its child process groups: they are killed, and this waits
 * until they are gone and their ports are free (a killed process's exit, even after its main
 * thread shows as ended, takes a moment to release its sockets) before the new stack starts.
 */
async function takeLock(ports: Ports): Promise<void> {
  mkdirSync(stateDir, { recursive: true });
  if (existsSync(lockFile)) {
    const lock = JSON.parse(readFileSync(lockFile, "utf8")) as Lock;
    // A zombie (killed, its parent gone too, not yet reaped) holds its pid but is not a stack.
    if (isRunning(lock.pid)) {
      console.error(
        `The local stack is already running (pid ${lock.pid}). Stop it with Ctrl-C in its terminal ` +
          `(or kill ${lock.pid}) before starting another; its endpoints are in .local/stack.json.`,
      );
      process.exit(1);
    }
    console.log(`Cleaning up after a previous run that did not stop cleanly (pid ${lock.pid})…`);
    await killGroupsAndWait(lock.children);
    // When a port stays busy, the stack's own check names it.
    await ensurePortsFree(ports, 10_000).catch(() => undefined);
  }
  writeLock([]);
}

function writeLock(children: number[]): void {
  writeFileSync(lockFile, JSON.stringify({ pid: process.pid, children } satisfies Lock));
}

function releaseLock(): void {
  rmSync(lockFile, { force: true });
  rmSync(stackFile, { force: true });
}

function curlExamples(apiUrl: string): string {
  return [
    "",
    "Try it (in another shell):",
    `  curl ${apiUrl}/health`,
    `  eval "$(npm run -s token -- --email alice@example.com --password 'Str0ng!pass')"`,
    `  curl -H "Authorization: Bearer $ACCESS_TOKEN" ${apiUrl}/me`,
    `  curl -X POST -H "Authorization: Bearer $ACCESS_TOKEN" -H 'Content-Type: application/json' \\`,
    `       -d '{"title":"First note","body":"Hello"}' ${apiUrl}/notes`,
    `  curl -H "Authorization: Bearer $ACCESS_TOKEN" ${apiUrl}/notes`,
    "",
    `Stack details: ${stackFile}. Logs: ${join(stateDir, "logs")}/. Press Ctrl-C to stop everything.`,
  ].join("\n");
}

async function main(): Promise<void> {
  // Node 20 is supported here until the SDK's early-2027 releases (docs/local-stack.md); keep the output clean.
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  process.env["AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE"] ??= "1";
  const ports: Ports = {
    api: port("API_PORT", 3000),
    lambda: port("LAMBDA_PORT", 3002),
    cognito: port("COGNITO_PORT", 9229),
    dynamodb: port("DYNAMODB_PORT", 8000),
    s3: port("S3_PORT", 4569),
    demo: port("DEMO_PORT", 3001),
  };
  await takeLock(ports);
  let running: RunningStack | undefined;
  let ready = false;
  let stopping = false;
  const shutdown = async (code: number, reason?: string) => {
    if (stopping) return;
    stopping = true;
    if (reason) console.error(reason);
    console.log("Stopping the local stack…");
    await stack.stop();
    releaseLock();
    console.log("Stopped.");
    process.exit(code);
  };
  // Ctrl-C reaches npm, tsx and this process alike: later signals must not cut the cleanup short.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => void shutdown(0));
  }
  process.on(
    "uncaughtException",
    (error) => void shutdown(1, `Unexpected error: ${error.message}`),
  );

  const children: number[] = [];
  const stack = createStack({
    onChild: (pid) => {
      children.push(pid);
      writeLock(children);
    },
    ports,
    stateDir,
    persistent: true,
    log: (line) => console.log(line),
    onApiOutput: (line) => {
      if (ready) console.log(`[api] ${line}`);
    },
    onMessage: (message) => {
      console.log(
        `[mail] to ${message.to}: ${message.subject ?? ""} (code ${message.code ?? "-"})`,
      );
    },
  });
  try {
    running = await stack.start();
  } catch (error) {
    await shutdown(
      1,
      `The local stack could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    return;
  }
  writeFileSync(stackFile, JSON.stringify(running.info, null, 2) + "\n");
  ready = true;
  console.log(`Local stack ready: ${running.info.apiUrl}`);
  console.log(`Browser demo: ${running.info.demoUrl}`);
  console.log(curlExamples(running.info.apiUrl));
  const reason = await running.crashed;
  await shutdown(1, `A part of the local stack stopped: ${reason}`);
}

await main();
