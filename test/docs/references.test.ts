/**
 * The repository stands alone: every document it refers to is in it. A fork gets no file from
 * outside the repository, so a reference to one (or a link to a moved page) is a broken promise.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
  cwd: root,
  encoding: "utf8",
})
  .split("\n")
  .filter((file) => /\.(ts|js|cjs|md|yml|yaml|json)$/.test(file) && file !== "package-lock.json")
  .filter((file) => existsSync(join(root, file)));

const text = (file: string) => readFileSync(join(root, file), "utf8");

/** Documents that lived outside the repository once, spelled so this file does not name them. */
const outside = new RegExp(
  `\\b(${["CONTRACT", "STACK", "SECURITY"].join("|")})(\\.md|\\b section)`,
);

describe("references between files", () => {
  it("reads a meaningful set of files", () => {
    expect(tracked).toContain("README.md");
    expect(tracked.filter((file) => file.startsWith("docs/")).length).toBeGreaterThanOrEqual(6);
  });

  it("names no document from outside the repository", () => {
    const offending = tracked.filter((file) => outside.test(text(file)));

    expect(offending).toEqual([]);
  });

  it("points every docs/<page>.md it names at a page that exists", () => {
    const missing = tracked.flatMap((file) =>
      [...text(file).matchAll(/\bdocs\/([\w-]+\.md)/g)]
        .map(([, page = ""]) => `docs/${page}`)
        .filter((page) => !existsSync(join(root, page)))
        .map((page) => `${file} -> ${page}`),
    );

    expect(missing).toEqual([]);
  });

  it("resolves every relative link of the Markdown files", () => {
    const broken = tracked
      .filter((file) => file.endsWith(".md"))
      .flatMap((file) =>
        [...text(file).matchAll(/\]\(([^)\s]+)\)/g)]
          .map(([, target = ""]) => target)
          .filter((target) => !/^([a-z]+:|#)/.test(target))
          .map((target) => target.replace(/#.*$/, ""))
          .filter((target) => !existsSync(join(root, dirname(file), target)))
          .map((target) => `${file} -> ${target}`),
      );

    expect(broken).toEqual([]);
  });
});
