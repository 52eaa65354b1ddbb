import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { mapStack } from "../../../shared/runtime/source-map.js";

const dir = mkdtempSync(join(tmpdir(), "source-map-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A minified CommonJS bundle with a map beside it, as serverless-esbuild builds a function. */
function bundle(name: string, sourcemap: "linked" | false): string {
  mkdirSync(join(dir, "functions"), { recursive: true });
  writeFileSync(
    join(dir, "functions", `${name}.ts`),
    [
      "export function handler(): never {",
      "  const reason: string = 'broken';",
      "  throw new Error(reason);",
      "}",
      "",
    ].join("\n"),
  );
  buildSync({
    entryPoints: [join(dir, "functions", `${name}.ts`)],
    outfile: join(dir, "out", "functions", `${name}.cjs`),
    bundle: true,
    minify: true,
    format: "cjs",
    platform: "node",
    sourcemap,
    sourcesContent: false,
  });
  return join(dir, "out", "functions", `${name}.cjs`);
}

function stackOf(file: string): string {
  const { handler } = createRequire(import.meta.url)(file) as { handler: () => void };
  try {
    handler();
  } catch (error) {
    if (error instanceof Error && error.stack) return error.stack;
  }
  throw new Error("the handler did not throw");
}

describe("mapStack", () => {
  it("maps a bundle's frame to its TypeScript file, line and column", () => {
    const stack = stackOf(bundle("maps", "linked"));

    expect(stack).toMatch(/maps\.cjs:\d+:\d+/);
    expect(mapStack(stack)).toMatch(/\bat .*\(functions\/maps\.ts:3:9\)$/m);
    expect(mapStack(stack)).not.toMatch(/maps\.cjs:/);
  });

  it("leaves a frame as it is when its file has no map", () => {
    const stack = stackOf(bundle("no-map", false));

    expect(mapStack(stack)).toBe(stack);
  });
});
