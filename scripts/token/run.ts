/**
 * `npm run token` as a function of its arguments, so tests can run it with mocked AWS clients:
 * prints `export ACCESS_TOKEN=… ID_TOKEN=… REFRESH_TOKEN=…` to `out` and returns 0, or prints a
 * message meant for the person running it to `err` and returns 1.
 */
import { parseArgs } from "node:util";
import { awsCredentialsLine } from "./aws-credentials.js";
import { deployedTarget } from "./deployed.js";
import { localTarget } from "./local.js";
import { signIn, TokenScriptError, type Target } from "./sign-in.js";

const DEFAULT_LOCAL_PASSWORD = "Str0ng!pass";

export const USAGE =
  "usage: npm run token -- --email <email> [--password <password>] [--stage <stage>] [--code <code>] [--mfa-code <code>] [--region <region>] [--aws]";

export interface Output {
  write(text: string): unknown;
}

/** Whether `error` (or its cause, or one of its errors) is a refused TCP connection. */
function connectionRefused(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ("code" in error && error.code === "ECONNREFUSED") return true;
  if ("errors" in error && Array.isArray(error.errors) && error.errors.some(connectionRefused)) {
    return true;
  }
  return "cause" in error && connectionRefused(error.cause);
}

async function tokenLine(args: string[]): Promise<string> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: "string" },
      password: { type: "string" },
      stage: { type: "string", default: "local" },
      code: { type: "string" },
      "mfa-code": { type: "string" },
      region: { type: "string" },
      aws: { type: "boolean", default: false },
    },
    strict: true,
  });
  const email = values.email?.trim();
  if (!email) throw new TokenScriptError(USAGE);
  const stage = values.stage;
  const password = values.password ?? (stage === "local" ? DEFAULT_LOCAL_PASSWORD : undefined);
  if (password === undefined) throw new TokenScriptError(USAGE);
  const target: Target =
    stage === "local" ? localTarget() : await deployedTarget(stage, values.region);
  const tokens = await signIn(target, {
    email,
    password,
    code: values.code,
    mfaCode: values["mfa-code"],
  }).catch((error: unknown) => {
    throw target.unreachable && connectionRefused(error)
      ? new TokenScriptError(target.unreachable)
      : error;
  });
  const line = `export ACCESS_TOKEN=${tokens.accessToken} ID_TOKEN=${tokens.idToken} REFRESH_TOKEN=${tokens.refreshToken}\n`;
  if (!values.aws) return line;
  if (!target.identityPool) {
    throw new TokenScriptError(
      stage === "local"
        ? "--aws needs a deployed stage: the local stack has no identity pool (docs/security.md)."
        : `Stage ${stage} has no IdentityPoolId output; deploy the current template first.`,
    );
  }
  return line + (await awsCredentialsLine(target.identityPool, tokens.idToken));
}

export async function run(args: string[], out: Output, err: Output): Promise<number> {
  try {
    out.write(await tokenLine(args));
    return 0;
  } catch (error) {
    const message =
      error instanceof TokenScriptError || error instanceof TypeError
        ? error.message
        : `Unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    err.write(`${message}\n`);
    return 1;
  }
}
