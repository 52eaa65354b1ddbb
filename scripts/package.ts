/**
 * `npm run package [-- --stage prod]`: `serverless package` with every AWS credential removed from
 * the environment, so it provably needs none and cannot touch an account. The CloudFormation
 * template lands in `.serverless/cloudformation-template-update-stack.json` (or `--package <dir>`).
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !key.startsWith("AWS_") || key.startsWith("AWS_SDK_JS_"),
  ),
);
const result = spawnSync(
  process.execPath,
  [join(root, "node_modules/osls/bin/serverless.js"), "package", ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...env, AWS_CONFIG_FILE: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent" },
  },
);
process.exitCode = result.status ?? 1;
