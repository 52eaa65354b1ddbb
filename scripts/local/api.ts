/**
 * The API: serverless-offline runs the project's handlers (bundled by serverless-esbuild, as for
 * AWS) on an internal port and its Lambda invoke API on the lambda port; the gateway (gateway.ts)
 * sits on the API port in front of it and answers as API Gateway's gateway responses do.
 */
import { spawn } from "node:child_process";
import { createWriteStream, rmSync } from "node:fs";
import { relative, resolve } from "node:path";
import { LOCAL_AWS_ENV, ROOT, STAGE } from "./environment.js";
import { gatewayResponses, startGateway } from "./gateway.js";
import type { Lifecycle } from "./lifecycle.js";
import { freePort } from "./ports.js";
import { lines, waitFor } from "./processes.js";
import { SERVERLESS_BIN, type PrintedConfig } from "./serverless-config.js";

export interface ApiOptions {
  /** The printed serverless.yml: gateway responses and the stage throttle come from it. */
  config: PrintedConfig;
  apiPort: number;
  lambdaPort: number;
  stateDir: string;
  logFile: string;
  /** What the handlers find in their environment besides the local credentials. */
  environment: Record<string, string>;
  life: Lifecycle;
  onChild?: (pid: number) => void;
  /** Each line serverless-offline prints. */
  onOutput?: (line: string) => void;
}

/** Starts serverless-offline and the gateway; resolves with the API's base URL once healthy. */
export async function startApi(options: ApiOptions): Promise<string> {
  const { life } = options;
  const esbuildDir = resolve(options.stateDir, "esbuild");
  rmSync(esbuildDir, { recursive: true, force: true });
  const offlinePort = await freePort();
  const log = createWriteStream(options.logFile);
  const args = [SERVERLESS_BIN, "offline", "start", "--stage", STAGE];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      ...LOCAL_AWS_ENV,
      ...options.environment,
      API_PORT: String(offlinePort),
      LAMBDA_PORT: String(options.lambdaPort),
      ESBUILD_WORK_FOLDER: relative(ROOT, esbuildDir),
      SLS_TELEMETRY_DISABLED: "1",
    },
  });
  if (child.pid !== undefined) options.onChild?.(child.pid);
  const onLine = (line: string) => {
    log.write(line + "\n");
    options.onOutput?.(line);
  };
  lines(child.stdout, onLine);
  lines(child.stderr, onLine);
  const ended = life.supervise(child, "serverless-offline", `; see ${options.logFile}`);
  await waitFor(
    "serverless-offline",
    async () => (await fetch(`http://127.0.0.1:${offlinePort}/${STAGE}/health`)).ok,
    180_000,
    ended,
  );
  const gateway = await startGateway({
    port: options.apiPort,
    upstreamPort: offlinePort,
    stage: STAGE,
    responses: gatewayResponses(options.config.resources.Resources),
    throttle: options.config.custom.apiStage.throttle,
  });
  life.onStop(() => gateway.close());
  return `http://127.0.0.1:${options.apiPort}/${STAGE}`;
}
