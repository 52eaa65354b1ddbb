/** The `local` stage of `npm run token`: the running `npm start` stack. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { StackInfo } from "../local/stack-info.js";
import { TokenScriptError, type Target } from "./sign-in.js";

export function localTarget(
  stackFile = resolve(import.meta.dirname, "../../.local/stack.json"),
): Target {
  let info: StackInfo;
  try {
    info = JSON.parse(readFileSync(stackFile, "utf8")) as StackInfo;
  } catch {
    throw new TokenScriptError("The local stack is not running: start it with `npm start` first.");
  }
  return {
    client: new CognitoIdentityProviderClient({
      region: info.region,
      endpoint: info.cognito.endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
    userPoolId: info.cognito.userPoolId,
    clientId: info.cognito.userPoolClientId,
    adminConfirm: true,
  };
}
