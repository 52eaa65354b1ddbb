import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleLikeFunctions } from "../../scripts/bench/bundles.js";
import { createProfileOnce } from "../../shared/users/profiles.js";
import { apiEvent } from "../fixtures/api-events.js";
import { useLocalData } from "../support/local-data.js";
import { stack } from "../support/stack.js";
import { printStage } from "../support/template.js";

const root = resolve(import.meta.dirname, "../..");
const LOCAL_KEYS = { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" };

/**
 * GET /me of a user with a profile, run in a fresh process as Lambda would: the deployed bundle
 * (`node <bundle>.cjs`), or the source with Node's full credential chain (`tsx`). Credentials come
 * from `credentials` in the environment, or else only from a shared credentials file in HOME that
 * holds the local stack's keys.
 */
describe("Lambda bundles: environment credentials only, against the local stack", () => {
  let dir: string;
  let bundle: string;
  let sub: string;

  beforeAll(async () => {
    useLocalData();
    dir = mkdtempSync(join(tmpdir(), "env-credentials-"));
    const service = await printStage("dev");
    const custom = service["custom"] as { esbuild: Record<string, unknown> };
    ({ file: bundle } = await bundleLikeFunctions(
      custom.esbuild,
      join(root, "functions/get-me.ts"),
      join(dir, "bundle"),
    ));
    mkdirSync(join(dir, "home", ".aws"), { recursive: true });
    writeFileSync(
      join(dir, "home", ".aws", "credentials"),
      `[default]\naws_access_key_id = local\naws_secret_access_key = local\n`,
    );
    sub = randomUUID();
    await createProfileOnce({ sub, email: "credentials@example.com" });
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function getMe(from: "bundle" | "source", credentials: Record<string, string>) {
    const event = apiEvent({ method: "GET", resource: "/me", sub });
    const context = { awsRequestId: randomUUID(), functionName: "getMe" };
    const load =
      from === "bundle"
        ? `Promise.resolve(require(${JSON.stringify(bundle)}))`
        : `import(${JSON.stringify(join(root, "functions/get-me.ts"))})`;
    const script =
      `${load}.then((m) => m.handler(${JSON.stringify(event)}, ${JSON.stringify(context)}))` +
      `.then((r) => process.stdout.write("STATUS " + r.statusCode + "\\n"))`;
    const { region, dynamodb } = stack();
    const result = spawnSync(
      process.execPath,
      [...(from === "source" ? ["--import", "tsx"] : []), "-e", script],
      {
        cwd: root,
        env: {
          PATH: process.env["PATH"],
          HOME: join(dir, "home"),
          AWS_REGION: region,
          TABLE_NAME: dynamodb.tables.data,
          DYNAMODB_ENDPOINT: dynamodb.endpoint,
          LOG_LEVEL: "info",
          CORS_ORIGIN: "https://app.example.com",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          ...credentials,
        },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    return { status: Number(/STATUS (\d+)/.exec(result.stdout)?.[1]), output: result.stdout };
  }

  it("the bundle reads the local stack with the credentials of the environment", () => {
    expect(getMe("bundle", LOCAL_KEYS).status).toBe(200);
  });

  it("the bundle ignores a shared credentials file, which Node's full chain reads", () => {
    const bundled = getMe("bundle", {});
    const source = getMe("source", {});

    expect(bundled.status).toBe(500);
    expect(bundled.output).toMatch(/environment variable credentials/i);
    // The control: the same handler from source, with the SDK's full chain, signs in from the file.
    expect(source.status).toBe(200);
  });
});
