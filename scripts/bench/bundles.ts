/**
 * The bundles the benchmark measures are the deployed ones: `serverless package --stage dev` into a
 * folder of its own, then each function's bundle (and its source map) taken out of its zip. The SDK
 * floors are built by esbuild with the very options of `custom.esbuild`, as serverless-esbuild
 * passes them on.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { build, type BuildOptions } from "esbuild";
import { readZip } from "./zip.js";

export type FunctionKind = "authorizer" | "route" | "trigger";

export interface FunctionBundle {
  /** The function's key in serverless.yml (`getMe`). */
  name: string;
  kind: FunctionKind;
  /** `functions/get-me.handler` */
  handler: string;
  /** The extracted bundle, laid out as in the zip (its source map beside it). */
  file: string;
  bytes: number;
  sourceMapBytes: number;
  /** The deployment package (the zip uploaded to Lambda). */
  zipBytes: number;
  /** AWS SDK client packages bundled (`client-dynamodb`, `client-s3`), from the source map. */
  sdkClients: string[];
  /** The function's NODE_OPTIONS in the deployed configuration. */
  nodeOptions: string | undefined;
}

export interface Floor {
  /** The client packages it constructs, joined by `+`. */
  name: string;
  file: string;
  bytes: number;
}

interface PackagedState {
  service: {
    provider: { runtime?: string; environment?: Record<string, unknown> };
    custom: { esbuild: Record<string, unknown> };
    functions: Record<
      string,
      { handler: string; package: { artifact: string }; environment?: Record<string, unknown> }
    >;
  };
}

const execFileAsync = promisify(execFile);

/** serverless-esbuild's own options, which it removes before calling esbuild. */
const PLUGIN_OPTIONS = [
  "concurrency",
  "zipConcurrency",
  "exclude",
  "nativeZip",
  "packager",
  "packagePath",
  "watch",
  "keepOutputDirectory",
  "packagerOptions",
  "installExtraArgs",
  "outputFileExtension",
  "outputBuildFolder",
  "outputWorkFolder",
  "nodeExternals",
  "skipBuild",
  "skipRebuild",
  "skipBuildExcludeFns",
  "stripEntryResolveExtensions",
  "disposeContext",
  "config",
];

/** What constructing each client costs at least: the same construction our `shared/runtime/aws.ts` does. */
const FLOOR_CLIENTS: Record<string, { imports: string; construct: string }> = {
  "client-dynamodb": {
    imports:
      'import { DynamoDBClient } from "@aws-sdk/client-dynamodb";\n' +
      'import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";',
    construct:
      'DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1", maxAttempts: 3 }), ' +
      "{ marshallOptions: { removeUndefinedValues: true } })",
  },
  "client-s3": {
    imports: 'import { S3Client } from "@aws-sdk/client-s3";',
    construct: 'new S3Client({ region: "us-east-1", maxAttempts: 3 })',
  },
  "client-cognito-identity-provider": {
    imports:
      'import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";',
    construct: 'new CognitoIdentityProviderClient({ region: "us-east-1", maxAttempts: 3 })',
  },
};

function kindOf(handler: string): FunctionKind {
  if (handler.startsWith("functions/authorizers/")) return "authorizer";
  return handler.startsWith("triggers/") ? "trigger" : "route";
}

function sdkClientsOf(sourceMap: Buffer): string[] {
  const { sources } = JSON.parse(sourceMap.toString("utf8")) as { sources: string[] };
  const clients = new Set<string>();
  for (const source of sources) {
    const client = /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(source)?.[1];
    if (client) clients.add(client);
  }
  return [...clients].sort();
}

function stringEnv(env: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = env?.[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Packages the service for `stage` into `workDir/package` and extracts every function's bundle
 * into `workDir/bundles/<function>/`. Returns the bundles, the esbuild options of the service and
 * its Lambda runtime (`nodejs22.x`).
 */
export async function packagedBundles(
  root: string,
  workDir: string,
  stage: string,
): Promise<{ bundles: FunctionBundle[]; esbuild: Record<string, unknown>; runtime: string }> {
  const packageDir = join(workDir, "package");
  const packaging = execFileAsync(
    process.execPath,
    [
      join(root, "node_modules/osls/bin/serverless.js"),
      "package",
      "--stage",
      stage,
      "--package",
      packageDir,
    ],
    {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        ...process.env,
        // Deployed stages need an allowlist (docs/deploy.md); its value changes no bundle.
        ALLOWED_EMAIL_DOMAINS: process.env["ALLOWED_EMAIL_DOMAINS"] ?? "example.com",
        ESBUILD_WORK_FOLDER: relative(root, join(workDir, "esbuild")),
        SLS_TELEMETRY_DISABLED: "1",
      },
    },
  );
  await packaging.catch((error: unknown) => {
    // Serverless prints its reason on stdout; without it the failure says nothing.
    const stdout = error instanceof Error && "stdout" in error ? String(error.stdout) : "";
    throw new Error(`serverless package --stage ${stage} failed:\n${stdout.trim()}`, {
      cause: error,
    });
  });
  const state = JSON.parse(
    readFileSync(join(packageDir, "serverless-state.json"), "utf8"),
  ) as PackagedState;
  const { provider, functions, custom } = state.service;
  const extension = bundleExtension(custom.esbuild);
  const bundles = Object.entries(functions).map(([name, fn]): FunctionBundle => {
    const zip = readFileSync(join(packageDir, basename(fn.package.artifact)));
    const entries = readZip(zip);
    const entry = fn.handler.slice(0, fn.handler.lastIndexOf("."));
    const code = entries.get(`${entry}${extension}`);
    const map = entries.get(`${entry}${extension}.map`);
    if (!code) throw new Error(`${name}: ${entry}${extension} is not in its package`);
    const file = join(workDir, "bundles", name, `${entry}${extension}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, code);
    if (map) writeFileSync(`${file}.map`, map);
    return {
      name,
      kind: kindOf(fn.handler),
      handler: fn.handler,
      file,
      bytes: code.length,
      sourceMapBytes: map?.length ?? 0,
      zipBytes: zip.length,
      sdkClients: map ? sdkClientsOf(map) : [],
      nodeOptions:
        stringEnv(fn.environment, "NODE_OPTIONS") ??
        stringEnv(provider.environment, "NODE_OPTIONS"),
    };
  });
  return { bundles, esbuild: custom.esbuild, runtime: provider.runtime ?? "unknown" };
}

/** The extension serverless-esbuild gives the bundles (`outputFileExtension`, `.js` by default). */
function bundleExtension(custom: Record<string, unknown>): string {
  const extension = custom["outputFileExtension"];
  return typeof extension === "string" ? extension : ".js";
}

/** esbuild options equal to what serverless-esbuild derives from `custom.esbuild`. */
function esbuildOptions(custom: Record<string, unknown>): BuildOptions {
  const options: Record<string, unknown> = {
    bundle: true,
    platform: "node",
    ...Object.fromEntries(
      Object.entries(custom).filter(([name]) => !PLUGIN_OPTIONS.includes(name)),
    ),
  };
  const asList = (value: unknown) =>
    (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
  const exclude = asList(custom["exclude"]);
  options["external"] = [...asList(custom["external"]), ...(exclude.includes("*") ? [] : exclude)];
  const extension = bundleExtension(custom);
  if (extension !== ".js") options["outExtension"] = { ".js": extension };
  return options;
}

/** Builds `entry` into `outdir` exactly as serverless-esbuild builds a function. */
export async function bundleLikeFunctions(
  custom: Record<string, unknown>,
  entry: string,
  outdir: string,
): Promise<{ file: string; bytes: number }> {
  const result = await build({
    ...esbuildOptions(custom),
    entryPoints: [entry],
    outdir,
    metafile: true,
    logLevel: "error",
  });
  const [file, output] =
    Object.entries(result.metafile.outputs).find(([path]) => !path.endsWith(".map")) ?? [];
  if (!file || !output) throw new Error(`Bundling ${entry} produced no bundle`);
  return { file: resolve(file), bytes: output.bytes };
}

/** `custom.esbuild` without its alias of the SDK's Node credential chain: the SDK's default. */
export function withDefaultCredentialChain(
  custom: Record<string, unknown>,
): Record<string, unknown> {
  const { alias, ...rest } = custom;
  if (typeof alias !== "object" || alias === null) return rest;
  const kept = Object.entries(alias).filter(
    ([name]) => name !== "@aws-sdk/credential-provider-node",
  );
  return kept.length === 0 ? rest : { ...rest, alias: Object.fromEntries(kept) };
}

/**
 * The SDK floor of each set of clients that some bundle uses: a bundle that only imports and
 * constructs those clients, built like the functions (with `custom`'s esbuild options, so with
 * the environment-only credential provider the functions get; pass
 * `withDefaultCredentialChain(custom)` for the floor of the SDK's default chain).
 */
export async function buildFloors(
  workDir: string,
  custom: Record<string, unknown>,
  clientSets: string[][],
): Promise<Floor[]> {
  const floors: Floor[] = [];
  const names = new Set(clientSets.filter((set) => set.length > 0).map((set) => set.join("+")));
  for (const name of names) {
    const clients = name.split("+").map((client) => {
      const floor = FLOOR_CLIENTS[client];
      if (!floor) throw new Error(`No SDK floor is defined for @aws-sdk/${client}`);
      return floor;
    });
    const source = join(workDir, "floors", `${name}.ts`);
    mkdirSync(dirname(source), { recursive: true });
    writeFileSync(
      source,
      `${clients.map((c) => c.imports).join("\n")}\n` +
        `export const clients = [${clients.map((c) => c.construct).join(", ")}];\n`,
    );
    const bundle = await bundleLikeFunctions(custom, source, join(workDir, "floors", "out"));
    floors.push({ name, ...bundle });
  }
  return floors;
}
