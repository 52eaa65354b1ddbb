/**
 * The in-process benchmarks (the authorizer, the middy stack, a warm GET /me's CPU). `npm run bench` bundles this file
 * like the functions (minified, no tsx) and runs it in a fresh Node process; it writes its figures
 * as JSON to the file named by its first argument.
 */
import { writeFileSync } from "node:fs";
import { benchAuthorizer } from "./authorizer.js";
import { benchGetMe } from "./get-me.js";
import { benchMiddy } from "./middy.js";

async function main(): Promise<void> {
  const [out, ms] = process.argv.slice(2);
  if (out === undefined || ms === undefined) throw new Error("usage: micro <out.json> <ms>");
  const authorizer = await benchAuthorizer(Number(ms));
  const middy = await benchMiddy(Number(ms));
  const getMe = await benchGetMe(Number(ms));
  writeFileSync(out, JSON.stringify({ authorizer, middy, getMe }));
}

// No top-level await: the functions are bundled as CommonJS, and so is this file.
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
