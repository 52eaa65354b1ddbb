/**
 * The `local` stage of `npm run token`: the running `npm start` stack, found through the
 * `stack.json` it writes in its state folder (`.local`, or `LOCAL_STATE_DIR` as for `npm start`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { localStateDir } from "../local/environment.js";
import type { StackInfo } from "../local/stack-info.js";
import { TokenScriptError, type Target } from "./sign-in.js";

const START = "Start it with `npm start` (with the same LOCAL_STATE_DIR) first.";

/** Whether the `npm start` that holds `stack.lock` in `stateDir` is still alive. */
function lockHolderAlive(stateDir: string): boolean {
  try {
    const lock: unknown = JSON.parse(readFileSync(join(stateDir, "stack.lock"), "utf8"));
    const pid = typeof lock === "object" && lock !== null && "pid" in lock ? lock.pid : undefined;
    if (typeof pid !== "number") return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function localTarget(stateDir = localStateDir()): Target {
  const stackFile = join(stateDir, "stack.json");
  let info: StackInfo;
  try {
    info = JSON.parse(readFileSync(stackFile, "utf8")) as StackInfo;
  } catch {
    throw new TokenScriptError(`The local stack is not running (no ${stackFile}). ${START}`);
  }
  if (!lockHolderAlive(stateDir)) {
    throw new TokenScriptError(
      `The local stack is not running: ${stackFile} is left over from a run that did not stop cleanly. ${START}`,
    );
  }
  return {
    client: new CognitoIdentityProviderClient({
      region: info.region,
      endpoint: info.cognito.endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    }),
    userPoolId: info.cognito.userPoolId,
    clientId: info.cognito.userPoolClientId,
    adminConfirm: true,
    unreachable: `The local stack does not answer at ${info.cognito.endpoint}. ${START}`,
  };
}
