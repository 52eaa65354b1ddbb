/**
 * `serverless.yml` as the local stack reads it: `serverless print --stage local` resolves the
 * config (params, variables, included files), so tables, bucket, user pool, app client, groups and
 * trigger wiring are created from the template itself and there is no second copy of them.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TriggerName } from "./cognito.js";
import { ROOT, STAGE } from "./environment.js";

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

/** The parts of the printed config the local stack reads. */
export interface PrintedConfig {
  custom: {
    tableName: string;
    legacyUsersTableName: string;
    apiStage: { throttle: { rateLimit: number; burstLimit: number } };
  };
  params: {
    local: { bucketName: string; allowedEmailDomains?: string };
    default: { allowedEmailDomains: string };
  };
  functions: Record<string, { name: string }>;
  resources: { Resources: Record<string, Resource> };
}

const execFileAsync = promisify(execFile);

/** The serverless CLI of the project's own `osls` dependency. */
export const SERVERLESS_BIN = join(ROOT, "node_modules/osls/bin/serverless.js");

/** Runs `serverless print` for the local stage: the resolved config, the one source of truth. */
export async function printConfig(env: NodeJS.ProcessEnv): Promise<PrintedConfig> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [SERVERLESS_BIN, "print", "--stage", STAGE, "--format", "json"],
    { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as PrintedConfig;
}

/** The resources of one CloudFormation type. */
export function resourcesOfType(config: PrintedConfig, type: string): Resource[] {
  return Object.values(config.resources.Resources).filter((resource) => resource.Type === type);
}

/** The `allowedEmailDomains` parameter of the local stage, as a list of lower-case domains. */
export function allowedEmailDomains(config: PrintedConfig): string[] {
  return (config.params.local.allowedEmailDomains ?? config.params.default.allowedEmailDomains)
    .split(",")
    .map((domain) => domain.trim().toLowerCase())
    .filter(Boolean);
}

/** `value[key]` when `value` is an object, otherwise undefined. */
function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** `{ "Fn::GetAtt": [logicalId, "Arn"] }` -> logicalId. */
function getAttTarget(value: unknown): string | undefined {
  const getAtt = field(value, "Fn::GetAtt");
  return Array.isArray(getAtt) && typeof getAtt[0] === "string" ? getAtt[0] : undefined;
}

/**
 * The user pool's LambdaConfig as trigger name -> serverless-offline function name, for the
 * Cognito emulator. `PreTokenGenerationConfig` (the V2 form) maps to `PreTokenGeneration`.
 */
export function triggerFunctions(config: PrintedConfig): Partial<Record<TriggerName, string>> {
  const lambdaConfig: unknown = config.resources.Resources["UserPool"]?.Properties["LambdaConfig"];
  const byLogicalId = new Map(
    Object.entries(config.functions).map(([key, fn]) => [
      `${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`,
      fn.name,
    ]),
  );
  const names: Partial<Record<TriggerName, string>> = {};
  if (typeof lambdaConfig !== "object" || lambdaConfig === null) return names;
  for (const [trigger, value] of Object.entries(lambdaConfig) as [string, unknown][]) {
    const isV2 = trigger === "PreTokenGenerationConfig";
    const logicalId = getAttTarget(isV2 ? field(value, "LambdaArn") : value);
    const name = logicalId ? byLogicalId.get(logicalId) : undefined;
    if (name) names[(isV2 ? "PreTokenGeneration" : trigger) as TriggerName] = name;
  }
  return names;
}
