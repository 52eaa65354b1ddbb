/**
 * `npm run invoke -- <function> [--path <event.json>]`: `serverless invoke local` of one function
 * with its realistic event from `test/events/<function>.json`, on the `local` stage. When the
 * local stack runs (`npm start`), the function uses its emulators (DynamoDB, S3, Cognito).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { localStackEnv, type StackInfo } from "./local/stack-info.js";

const root = resolve(import.meta.dirname, "..");

const { values, positionals } = parseArgs({
  options: { path: { type: "string" }, "stack-file": { type: "string" } },
  allowPositionals: true,
});
const [name] = positionals;
if (name === undefined) {
  console.error("usage: npm run invoke -- <function> [--path <event.json>]");
  process.exit(2);
}
const eventPath = values.path ?? join(root, "test/events", `${name}.json`);
if (!existsSync(eventPath)) {
  console.error(`No event for ${name}: ${eventPath} does not exist (see test/events/).`);
  process.exit(2);
}
const stackFile =
  values["stack-file"] ??
  resolve(process.env["LOCAL_STATE_DIR"] ?? join(root, ".local"), "stack.json");
const stackEnv = existsSync(stackFile)
  ? localStackEnv(JSON.parse(readFileSync(stackFile, "utf8")) as StackInfo)
  : {};
if (!existsSync(stackFile)) {
  console.error("The local stack is not running: functions that use AWS services will fail.");
}
const result = spawnSync(
  process.execPath,
  [
    join(root, "node_modules/osls/bin/serverless.js"),
    "invoke",
    "local",
    "--stage",
    "local",
    "--function",
    name,
    "--path",
    eventPath,
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, ...stackEnv } },
);
process.exitCode = result.status ?? 1;
