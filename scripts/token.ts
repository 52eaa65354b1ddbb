/**
 * `npm run token -- --email <e> [--password <p>] [--stage <s>] [--code <c>]`
 *
 * Signs the user up if needed, signs in, and prints `export ACCESS_TOKEN=… ID_TOKEN=…
 * REFRESH_TOKEN=…` on stdout (everything else goes to stderr, so `eval "$(…)"` works).
 * Stage `local` (default) uses `.local/stack.json` and confirms new users itself; any other stage
 * reads the deployed stack's outputs from CloudFormation with the caller's AWS credentials.
 */
import { parseArgs } from "node:util";
import { signIn, TokenScriptError, type Target } from "./token/sign-in.js";
import { deployedTarget } from "./token/deployed.js";
import { localTarget } from "./token/local.js";

const DEFAULT_LOCAL_PASSWORD = "Str0ng!pass";

function usage(): never {
  throw new TokenScriptError(
    "usage: npm run token -- --email <email> [--password <password>] [--stage <stage>] [--code <code>]",
  );
}

async function main(): Promise<void> {
  // Node 20 is supported here until the SDK's early-2027 releases (STACK.md); keep the output clean.
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  process.env["AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE"] ??= "1";
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      password: { type: "string" },
      stage: { type: "string", default: "local" },
      code: { type: "string" },
      region: { type: "string" },
    },
    strict: true,
  });
  const email = values.email?.trim();
  if (!email) usage();
  const stage = values.stage;
  const password = values.password ?? (stage === "local" ? DEFAULT_LOCAL_PASSWORD : usage());
  const target: Target =
    stage === "local" ? localTarget() : await deployedTarget(stage, values.region);
  const tokens = await signIn(target, { email, password, code: values.code });
  process.stdout.write(
    `export ACCESS_TOKEN=${tokens.accessToken} ID_TOKEN=${tokens.idToken} REFRESH_TOKEN=${tokens.refreshToken}\n`,
  );
}

try {
  await main();
} catch (error) {
  const message =
    error instanceof TokenScriptError || error instanceof TypeError
      ? error.message
      : `Unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}
