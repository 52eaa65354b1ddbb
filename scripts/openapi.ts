/**
 * `npm run openapi`: writes `openapi.json`, the OpenAPI 3.1 description of every route, generated
 * from the declarations of sls/functions.ts and the handlers' own request schemas
 * (scripts/openapi/document.ts), and the generated tables of docs/api.md
 * (scripts/openapi/api-doc.ts), both formatted as Prettier would so `npm run format:check`
 * accepts them. Commit the result; a test fails when either is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import * as prettier from "prettier";
import { openApiDocument } from "./openapi/document.js";
import { withGeneratedBlock } from "./openapi/api-doc.js";

async function formatted(file: string, text: string): Promise<string> {
  const options = await prettier.resolveConfig(file);
  return prettier.format(text, { ...options, filepath: file });
}

const document = openApiDocument();
const json = resolve(import.meta.dirname, "../openapi.json");
writeFileSync(json, await formatted(json, JSON.stringify(document)));
const apiDoc = resolve(import.meta.dirname, "../docs/api.md");
writeFileSync(
  apiDoc,
  await formatted(apiDoc, withGeneratedBlock(readFileSync(apiDoc, "utf8"), document)),
);
process.stdout.write(`Wrote ${json} and ${apiDoc}\n`);
