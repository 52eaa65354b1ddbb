/**
 * Vitest global setup of the `integration` project: the same local stack as `npm start`, on free
 * ports and in its own state folder (in-memory DynamoDB), so tests never collide with a running
 * `npm start`. Everything it starts is stopped in teardown.
 */
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { freePorts } from "../../scripts/local/ports.js";
import { startStack } from "../../scripts/local/stack.js";

const root = resolve(import.meta.dirname, "../..");

export default async function setup(project: TestProject) {
  const stateDir = join(root, ".local", `test-${process.pid}`);
  rmSync(stateDir, { recursive: true, force: true });
  const running = await startStack({
    ports: await freePorts(),
    stateDir,
    persistent: false,
    log: () => undefined,
  });
  project.provide("stack", running.info);
  project.provide("stackLogsDir", join(stateDir, "logs"));
  return async () => {
    await running.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
}
