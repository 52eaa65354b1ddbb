import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const SCRIPT = "scripts/lambda-node.sh";
const nvmrcMajor = Number(readFileSync(join(root, ".nvmrc"), "utf8").trim());

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A stand-in `node` that only answers `--version`. */
function fakeNode(dir: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "node");
  writeFileSync(file, `#!/bin/sh\necho ${version}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** A copy of the script in a project folder of its own, with a machine node of `machineVersion`. */
function project(machineVersion: string): { dir: string; machineBin: string } {
  const dir = mkdtempSync(join(tmpdir(), "lambda-node-"));
  folders.push(dir);
  mkdirSync(join(dir, "scripts"));
  copyFileSync(join(root, SCRIPT), join(dir, SCRIPT));
  writeFileSync(join(dir, ".nvmrc"), `${nvmrcMajor}\n`);
  const machineBin = join(dir, "machine-bin");
  fakeNode(machineBin, machineVersion);
  return { dir, machineBin };
}

/** Which `node` a command run through the script finds first on PATH. */
function nodeSeenBy(dir: string, machineBin: string): string {
  const run = spawnSync("bash", [join(dir, SCRIPT), "sh", "-c", "command -v node"], {
    env: { PATH: `${machineBin}:/usr/bin:/bin` },
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return run.stdout.trim();
}

describe("scripts/lambda-node.sh", () => {
  it("keeps the machine's node when it already has the major of .nvmrc", () => {
    const { dir, machineBin } = project(`v${nvmrcMajor}.1.0`);

    expect(nodeSeenBy(dir, machineBin)).toBe(join(machineBin, "node"));
  });

  it("puts the node unpacked in .tools/ first when the machine's is another major", () => {
    const { dir, machineBin } = project(`v${nvmrcMajor - 2}.19.0`);
    const platform = process.platform === "darwin" ? "darwin" : "linux";
    const arch = process.arch === "arm64" ? "arm64" : "x64";
    const tools = join(dir, ".tools", `node-${platform}-${arch}-${nvmrcMajor}`, "bin");
    fakeNode(tools, `v${nvmrcMajor}.9.9`);

    expect(nodeSeenBy(dir, machineBin)).toBe(join(tools, "node"));
  });
});

describe(".nvmrc", () => {
  it("names the major version of the Lambda runtime and of the bundles' esbuild target", () => {
    const serverless = readFileSync(join(root, "serverless.yml"), "utf8");

    expect(/\bruntime: nodejs(\d+)\.x/.exec(serverless)?.[1]).toBe(String(nvmrcMajor));
    expect(/\btarget: node(\d+)\b/.exec(serverless)?.[1]).toBe(String(nvmrcMajor));
  });
});
