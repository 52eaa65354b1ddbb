import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { localStackEnv } from "../../scripts/local/stack-info.js";
import { stack } from "../support/stack.js";
import { printStage } from "../support/template.js";

const root = resolve(import.meta.dirname, "../..");

/** Runs `serverless invoke local` as a user would; resolves with how the process ended. */
function invokeLocal(name: string): Promise<{ code: number | null; output: string }> {
  const info = stack();
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        join(root, "node_modules/osls/bin/serverless.js"),
        "invoke",
        "local",
        "--stage",
        "local",
        "--function",
        name,
        "--path",
        join(root, "test/events", `${name}.json`),
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          ...localStackEnv(info),
          ESBUILD_WORK_FOLDER: `.local/invoke-${name}-${process.pid}`,
        },
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe("serverless invoke local with test/events/", () => {
  it("has a realistic event for every function", async () => {
    const { functions } = (await printStage("local")) as { functions: Record<string, unknown> };
    const events = readdirSync(join(root, "test/events")).map((file) =>
      file.replace(/\.json$/, ""),
    );

    expect(events.sort()).toEqual(Object.keys(functions).sort());
  }, 60_000);

  const names = readdirSync(join(root, "test/events")).map((file) => file.replace(/\.json$/, ""));
  // The authorizers refuse the event's invalid token by throwing `Unauthorized`, as in Lambda.
  const throwing = new Set(["adminAuthorizer", "cognitoAuthorizerLocal"]);

  it.each(names)(
    "%s returns and the command exits",
    async (name) => {
      const { code, output } = await invokeLocal(name);

      expect(code, output).not.toBeNull();
      if (throwing.has(name)) {
        expect(output).toContain("Unauthorized");
      } else {
        expect(code, output).toBe(0);
        expect(output).not.toMatch(/"statusCode":\s*500/);
      }
    },
    150_000,
  );
});
