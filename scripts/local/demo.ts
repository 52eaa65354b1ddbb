/**
 * The browser demo of the local stack: a static page under `/demo/` on its own port, so every call
 * it makes to the API, the Cognito emulator and the S3 emulator is cross-origin and judged by the
 * browser's CORS rules. Its script (demo/app.ts, Amplify v6) is bundled with esbuild at start; the
 * stack's endpoints reach it as `/demo/config.json`.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const demoDir = resolve(import.meta.dirname, "../../demo");

/** What the page needs to know about the stack (the values of `.local/stack.json`). */
export interface DemoConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  cognitoEndpoint: string;
}

export interface RunningDemo {
  url: string;
  close(): Promise<void>;
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(demoDir, "app.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "silent",
    tsconfig: join(demoDir, "tsconfig.json"),
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild produced no bundle for demo/app.ts");
  return output.text;
}

/** Bundles the demo and serves it on 127.0.0.1:`port`. */
export async function startDemo(port: number, config: DemoConfig): Promise<RunningDemo> {
  const files = new Map<string, { type: string; body: string }>([
    [
      "/demo/",
      { type: "text/html; charset=utf-8", body: readFileSync(join(demoDir, "index.html"), "utf8") },
    ],
    ["/demo/app.js", { type: "text/javascript; charset=utf-8", body: await bundle() }],
    ["/demo/config.json", { type: "application/json", body: JSON.stringify(config) }],
  ]);
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path === "/" || path === "/demo") {
      response.writeHead(302, { Location: "/demo/" }).end();
      return;
    }
    const file = files.get(path);
    if (!file || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("Not found\n");
      return;
    }
    response
      .writeHead(200, { "Content-Type": file.type, "Cache-Control": "no-store" })
      .end(request.method === "HEAD" ? undefined : file.body);
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => done());
  });
  return {
    url: `http://127.0.0.1:${port}/demo/`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
