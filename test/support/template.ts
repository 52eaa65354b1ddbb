/**
 * The CloudFormation template `serverless package` writes for a stage, packaged with no AWS
 * credentials into a folder of its own (so parallel runs and `.serverless/` never collide).
 */
import { execFile, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
}

export interface Template {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: unknown }>;
}

/** What a stage's settings read from the environment (serverless.yml `params`). */
const STAGE_SETTINGS = [
  "ALLOWED_EMAIL_DOMAINS",
  "CORS_ORIGIN",
  "SES_SOURCE_ARN",
  "SES_FROM_ADDRESS",
  "OAUTH_CALLBACK_URLS",
  "OAUTH_LOGOUT_URLS",
  "AUTH_DOMAIN_PREFIX",
  "GOOGLE_SIGN_IN",
  "DEMO_PORT",
];

/** The settings a deploy of dev or prod is given in these tests. */
export const DEPLOY_SETTINGS = {
  ALLOWED_EMAIL_DOMAINS: "example.com",
  CORS_ORIGIN: "https://app.example.com",
  OAUTH_CALLBACK_URLS: "https://app.example.com/",
  OAUTH_LOGOUT_URLS: "https://app.example.com/",
};

/**
 * Environment with every AWS credential variable removed (packaging must not need any), and none
 * of the stage settings, so only what a test passes reaches the template.
 */
export function withoutAwsCredentials(): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(
    ([key]) =>
      (!key.startsWith("AWS_") || key.startsWith("AWS_SDK_JS_")) && !STAGE_SETTINGS.includes(key),
  );
  return {
    ...Object.fromEntries(kept),
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
  };
}

/**
 * Runs `serverless package --stage <stage>` and returns the template and the folder it wrote. Each
 * run bundles in a work folder of its own inside `dir`: parallel test files would otherwise
 * overwrite each other's bundles in the shared `.esbuild` folder.
 */
export async function packageStage(
  stage: string,
  settings: Record<string, string> = DEPLOY_SETTINGS,
): Promise<{ template: Template; dir: string }> {
  const dir = join(root, ".local", `package-${stage}-${process.pid}-${randomUUID().slice(0, 8)}`);
  rmSync(dir, { recursive: true, force: true });
  const env = {
    ...withoutAwsCredentials(),
    ...settings,
    ESBUILD_WORK_FOLDER: relative(root, join(dir, "esbuild")),
  };
  await promisify(execFile)(
    process.execPath,
    [
      join(root, "node_modules/osls/bin/serverless.js"),
      "package",
      "--stage",
      stage,
      "--package",
      dir,
    ],
    { cwd: root, env, maxBuffer: 16 * 1024 * 1024 },
  );
  const template = JSON.parse(
    readFileSync(join(dir, "cloudformation-template-update-stack.json"), "utf8"),
  ) as Template;
  return { template, dir };
}

/**
 * Runs a serverless command that is expected to fail before building anything; returns its exit
 * status and output.
 */
export function failingCommand(
  args: string[],
  settings: Record<string, string>,
): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    [join(root, "node_modules/osls/bin/serverless.js"), ...args],
    {
      cwd: root,
      env: { ...withoutAwsCredentials(), ...settings },
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

/** Resources of one type, by logical id. */
export function ofType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** The resolved serverless.yml of a stage (`serverless print --format json`), no credentials. */
export async function printStage(stage: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      join(root, "node_modules/osls/bin/serverless.js"),
      "print",
      "--stage",
      stage,
      "--format",
      "json",
    ],
    { cwd: root, env: withoutAwsCredentials(), maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** True when `cfn-lint` is installed (it is not on npm; tests that need it run only where it is). */
export function hasCfnLint(): boolean {
  return spawnSync("cfn-lint", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * A test that needs cfn-lint: it runs where cfn-lint is installed; elsewhere it is reported as
 * skipped under a title that says why, and a line on stderr says so too, so a green run never
 * hides that the lint did not happen.
 */
export function itWithCfnLint(title: string, run: () => void): void {
  if (hasCfnLint()) {
    it(title, run, 120_000);
    return;
  }
  process.stderr.write(`cfn-lint is not installed: skipped "${title}" (pip install cfn-lint)\n`);
  it.skip(`${title} (skipped: cfn-lint is not installed)`, run);
}

/**
 * Runs cfn-lint on the template in `dir`. W3005 (Serverless's redundant DependsOn) is ignored;
 * warnings and informational findings (exit bits 4 and 8) are allowed, errors (bit 2) are not.
 */
export function cfnLint(dir: string): { ok: boolean; output: string } {
  const result = spawnSync(
    "cfn-lint",
    ["--ignore-checks", "W3005", "--", join(dir, "cloudformation-template-update-stack.json")],
    { encoding: "utf8" },
  );
  return {
    ok: result.status !== null && (result.status & 0b11) === 0,
    output: result.stdout + result.stderr,
  };
}
