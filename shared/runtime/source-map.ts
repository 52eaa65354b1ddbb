/**
 * Maps the frames of a bundle's stack trace to the TypeScript sources, lazily, from the `.map`
 * file that esbuild writes beside each bundle. Node could do it for every stack with
 * `--enable-source-maps`, but then it reads and keeps the map of every module at load, which
 * measured +16 ms (a small function) to +76 ms (a DynamoDB function) of cold start on Node 22
 * (docs/performance.md). Here a map is read only when an error is logged, once per file, with
 * Node's own decoder (`module.SourceMap`): nothing is added to the bundle.
 */
import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";

const maps = new Map<string, SourceMap | undefined>();

const strings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

function payloadOf(json: unknown): SourceMapPayload | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  if (!("version" in json && "sources" in json && "names" in json && "mappings" in json)) {
    return undefined;
  }
  const { version, sources, names, mappings } = json;
  if (typeof version !== "number" || typeof mappings !== "string") return undefined;
  if (!strings(sources) || !strings(names)) return undefined;
  return { file: "", version, sources, sourcesContent: [], names, mappings, sourceRoot: "" };
}

function mapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    let payload: SourceMapPayload | undefined;
    try {
      payload = payloadOf(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      payload = undefined; // no map beside this file (Node's own modules, a script): left as is
    }
    maps.set(file, payload && new SourceMap(payload));
  }
  return maps.get(file);
}

/** `../../functions/get-me.ts` as a map names it, without the climb: `functions/get-me.ts`. */
function sourcePath(source: string): string {
  return source.replace(/^(?:file:\/\/)?(?:\.\.?\/)+/, "");
}

/** `at name (/var/task/functions/get-me.cjs:1:2345)` or `at /var/task/…:1:2345`. */
const frame = /^(\s+at (?:.+ \()?)(\/[^():]+\.c?js):(\d+):(\d+)(\)?)$/gm;

/** `stack` with each frame of a bundled file that has a map rewritten to its source position. */
export function mapStack(stack: string): string {
  return stack.replace(
    frame,
    (whole, before: string, file: string, line: string, column: string, after: string) => {
      const origin = mapOf(file)?.findOrigin(Number(line), Number(column));
      if (!origin || !("fileName" in origin)) return whole;
      return `${before}${sourcePath(origin.fileName)}:${origin.lineNumber}:${origin.columnNumber}${after}`;
    },
  );
}
