/**
 * `npm run token -- --email <e> [--password <p>] [--stage <s>] [--code <c>] [--region <r>]`
 *
 * Signs in (signing the user up first only when they do not exist, so a legacy user migrates), and
 * prints `export ACCESS_TOKEN=… ID_TOKEN=… REFRESH_TOKEN=…` on stdout (everything else goes to
 * stderr, so `eval "$(…)"` works). Stage `local` (default) uses the `stack.json` of `npm start`
 * (in `.local`, or `LOCAL_STATE_DIR`) and confirms new users itself; any other stage
 * reads the deployed stack's outputs from CloudFormation with the caller's AWS credentials.
 */
import { run } from "./token/run.js";

// Node 20 is supported here until the SDK's early-2027 releases (docs/local-stack.md); keep the output clean.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
process.env["AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE"] ??= "1";

process.exitCode = await run(process.argv.slice(2), process.stdout, process.stderr);
