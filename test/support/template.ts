/**
 * The CloudFormation template `serverless package` writes for a stage, packaged with no AWS
 * credentials into a folder of its own (so parallel runs and `.serverless/` never collide).
 */
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const root = resolve(import.meta.dirname, "../..");

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: unknown }>;
}

/** Environment with every AWS credential variable removed: packaging must not need any. */
export function withoutAwsCredentials(): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(
    ([key]) => !key.startsWith("AWS_") || key.startsWith("AWS_SDK_JS_"),
  );
  return {
    ...Object.fromEntries(kept),
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
  };
}

/** Runs `serverless package --stage <stage>` and returns the template and the folder it wrote. */
export async function packageStage(stage: string): Promise<{ template: Template; dir: string }> {
  const dir = join(root, ".local", `package-${stage}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
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
    { cwd: root, env: withoutAwsCredentials(), maxBuffer: 16 * 1024 * 1024 },
  );
  const template = JSON.parse(
    readFileSync(join(dir, "cloudformation-template-update-stack.json"), "utf8"),
  ) as Template;
  return { template, dir };
}

/** Resources of one type, by logical id. */
export function ofType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}
