/**
 * `npm run openapi`: writes `openapi.json`, the OpenAPI 3.1 description of every route, generated
 * from the handlers' own request schemas (scripts/openapi/document.ts), formatted as Prettier
 * would so `npm run format:check` accepts it. Commit the result; a test fails when it is stale.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import * as prettier from "prettier";
import { openApiDocument } from "./openapi/document.js";

const file = resolve(import.meta.dirname, "../openapi.json");
const options = await prettier.resolveConfig(file);
const text = await prettier.format(JSON.stringify(openApiDocument()), {
  ...options,
  filepath: file,
});
writeFileSync(file, text);
process.stdout.write(`Wrote ${file}\n`);
