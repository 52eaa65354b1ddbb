/**
 * `npm run smoke -- --stage <stage>`: the end-to-end check of a stage, right after
 * `serverless deploy` (or against `npm start` with `--stage local`, the default). Prints one line
 * per step and exits 1 when any check or cleanup step failed.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { runSmoke, type StepResult } from "./smoke/run.js";
import { deployedTarget, localTarget, SmokeSetupError, type SmokeTarget } from "./smoke/target.js";

const USAGE =
  "usage: npm run smoke -- [--stage <stage>] [--region <region>] [--domain <email domain>] [--stack-file <path>]";

function line(result: StepResult): string {
  const mark = result.ok ? "ok  " : "FAIL";
  const time = `${result.ms} ms`.padStart(8);
  const detail = result.detail === "" ? "" : `  ${result.detail}`;
  return `  ${mark} ${result.name.padEnd(46)}${time}${detail}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stage: { type: "string", default: "local" },
      region: { type: "string" },
      domain: { type: "string" },
      "stack-file": { type: "string" },
      "fail-at": { type: "string" },
    },
    strict: true,
  });
  const stage = values.stage;
  let target: SmokeTarget;
  try {
    target =
      stage === "local"
        ? localTarget(
            resolve(
              values["stack-file"] ??
                resolve(process.env["LOCAL_STATE_DIR"] ?? ".local", "stack.json"),
            ),
          )
        : await deployedTarget(
            stage,
            values.region ??
              process.env["AWS_REGION"] ??
              process.env["AWS_DEFAULT_REGION"] ??
              "us-east-1",
            values.domain ?? process.env["ALLOWED_EMAIL_DOMAINS"]?.split(",")[0]?.trim(),
          );
  } catch (error) {
    if (error instanceof SmokeSetupError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  console.log(`Smoke test of stage ${stage}: ${target.apiUrl}`);
  let cleanupHeader = false;
  try {
    const report = await runSmoke(target, {
      ...(values["fail-at"] === undefined ? {} : { failAt: values["fail-at"] }),
      onStep: (result, phase) => {
        if (phase === "cleanup" && !cleanupHeader) {
          console.log("Cleanup");
          cleanupHeader = true;
        }
        console.log(line(result));
      },
    });
    const failed = [...report.steps, ...report.cleanup].filter((s) => !s.ok).length;
    console.log(
      report.ok
        ? `PASSED: ${report.steps.length} checks, everything it created removed.`
        : `FAILED: ${failed} step${failed === 1 ? "" : "s"} failed (see above).`,
    );
    return report.ok ? 0 : 1;
  } finally {
    target.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof TypeError ? `${error.message}\n${USAGE}` : error);
    process.exitCode = 2;
  },
);
