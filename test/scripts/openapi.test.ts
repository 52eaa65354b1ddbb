import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as prettier from "prettier";
import { withGeneratedBlock } from "../../scripts/openapi/api-doc.js";
import { openApiDocument, type OpenApiDocument } from "../../scripts/openapi/document.js";
import { BODY_MAX, TITLE_MAX } from "../../shared/notes/schemas.js";
import { printStage } from "../support/template.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

interface HttpEvent {
  method: string;
  path: string;
  authorizer?: { name?: string; type?: string };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const document = openApiDocument();
const json = JSON.parse(JSON.stringify(document)) as { [key: string]: Json };

/** `{ "GET /notes/{noteId}": [operationId, security scheme or "none"] }` of the description. */
function describedRoutes(doc: OpenApiDocument): Record<string, [string, string]> {
  return Object.fromEntries(
    Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, op]) => [
        `${method.toUpperCase()} ${path}`,
        [op.operationId, Object.keys(op.security[0] ?? {})[0] ?? "none"],
      ]),
    ),
  );
}

/** The same, from serverless.yml: function name, and the authorizer the route is behind. */
function declaredRoutes(config: Record<string, unknown>): Record<string, [string, string]> {
  const functions = config["functions"] as Record<string, { events?: { http?: HttpEvent }[] }>;
  return Object.fromEntries(
    Object.entries(functions).flatMap(([name, fn]) =>
      (fn.events ?? []).flatMap(({ http }) => {
        if (!http) return [];
        const { authorizer } = http;
        const scheme =
          authorizer === undefined
            ? "none"
            : authorizer.name === "adminAuthorizer"
              ? "adminAuthorizer"
              : authorizer.type?.toUpperCase() === "COGNITO_USER_POOLS"
                ? "cognitoUserPool"
                : JSON.stringify(authorizer);
        return [[`${http.method.toUpperCase()} /${http.path}`, [name, scheme]]];
      }),
    ),
  );
}

/** Every `$ref` value anywhere in `node`. */
function refs(node: Json): string[] {
  if (Array.isArray(node)) return node.flatMap(refs);
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "$ref" && typeof value === "string" ? [value] : refs(value),
  );
}

/** Follows a local JSON pointer (`#/components/schemas/Note`); undefined when it leads nowhere. */
function resolvePointer(pointer: string): Json | undefined {
  let node: Json | undefined = json;
  for (const part of pointer.replace(/^#\//, "").split("/")) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    node =
      node !== null && typeof node === "object" && !Array.isArray(node) ? node[key] : undefined;
  }
  return node;
}

describe("the OpenAPI description", () => {
  let declared: Record<string, [string, string]>;

  beforeAll(async () => {
    declared = declaredRoutes(await printStage("dev"));
  }, 120_000);

  it("describes exactly the routes serverless.yml declares, under their function names", () => {
    expect(Object.keys(declared).length).toBeGreaterThanOrEqual(15);
    expect(describedRoutes(document)).toEqual(declared);
  });

  it("is the committed openapi.json (run `npm run openapi` after changing a route or schema)", () => {
    const committed = JSON.parse(
      readFileSync(resolve(import.meta.dirname, "../../openapi.json"), "utf8"),
    ) as unknown;

    expect(committed).toEqual(json);
  });

  it("is the committed table of routes and limits in docs/api.md (run `npm run openapi`)", async () => {
    const file = resolve(import.meta.dirname, "../../docs/api.md");
    const committed = readFileSync(file, "utf8");
    const options = await prettier.resolveConfig(file);

    const current = await prettier.format(withGeneratedBlock(committed, document), {
      ...options,
      filepath: file,
    });

    expect(committed).toBe(current);
    for (const route of Object.keys(describedRoutes(document))) {
      expect(committed).toContain(`\`${route}\``);
    }
  });

  it("declares both security schemes as bearer JWTs, and leaves only /health open", () => {
    const schemes = document.components["securitySchemes"] ?? {};

    expect(Object.keys(schemes).sort()).toEqual(["adminAuthorizer", "cognitoUserPool"]);
    for (const scheme of Object.values(schemes)) {
      expect(scheme).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
    }
    const open = Object.entries(describedRoutes(document)).filter(
      ([, [, auth]]) => auth === "none",
    );
    expect(open.map(([route]) => route)).toEqual(["GET /health"]);
  });

  it("takes request bodies from the handlers' schemas: their limits, and no unknown fields", () => {
    const schemas = document.components["schemas"] as Record<string, Record<string, Json>>;
    const bodies = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).flatMap((op) =>
        op.requestBody ? [JSON.stringify(op.requestBody)] : [],
      ),
    );

    expect(bodies).toHaveLength(4);
    for (const name of ["NoteCreate", "NoteReplace", "ProfileUpdate", "FileCreate"]) {
      expect(schemas[name]?.["additionalProperties"], name).toBe(false);
    }
    expect(schemas["NoteCreate"]).toMatchObject({
      required: ["title"],
      properties: { title: { maxLength: TITLE_MAX }, body: { maxLength: BODY_MAX } },
    });
    expect(schemas["NoteReplace"]?.["required"]).toEqual(["title", "body"]);
  });

  describe("is structurally valid OpenAPI 3.1", () => {
    it("has the version, info and servers fields it must have", () => {
      expect(document.openapi).toMatch(/^3\.1\.\d+$/);
      expect(typeof document.info["title"]).toBe("string");
      expect(typeof document.info["version"]).toBe("string");
      for (const server of document.servers) {
        const url = server["url"] as string;
        const variables = (server["variables"] ?? {}) as Record<string, { default?: string }>;
        for (const [, name = ""] of url.matchAll(/\{(\w+)\}/g)) {
          expect(variables[name]?.default, `${url} {${name}}`).toEqual(expect.any(String));
        }
      }
    });

    it("has paths starting with / whose template parameters are all declared, and nothing more", () => {
      for (const [path, operations] of Object.entries(document.paths)) {
        expect(path).toMatch(/^\/[\w/{}-]*[^/]$/);
        const templated = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name).sort();
        for (const [method, op] of Object.entries(operations)) {
          const parameters = op.parameters ?? [];
          const inPath = parameters.filter((p) => p["in"] === "path");

          expect(METHODS, `${path} ${method}`).toContain(method);
          expect(inPath.map((p) => p["name"]).sort(), `${method} ${path}`).toEqual(templated);
          for (const p of inPath) expect(p["required"], `${method} ${path}`).toBe(true);
          const keys = parameters.map((p) => `${String(p["in"])}:${String(p["name"])}`);
          expect(new Set(keys).size, `${method} ${path}`).toBe(keys.length);
        }
      }
    });

    it("has unique operation ids and described responses with valid status keys", () => {
      const operations = Object.values(document.paths).flatMap((ops) => Object.values(ops));
      const ids = operations.map((op) => op.operationId);

      expect(new Set(ids).size).toBe(ids.length);
      for (const op of operations) {
        expect(Object.keys(op.responses).length, op.operationId).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status, op.operationId).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
          const ref = (response as { $ref?: string }).$ref;
          const target = (ref === undefined ? response : resolvePointer(ref)) as {
            description?: unknown;
          };
          expect(target.description, `${op.operationId} ${status}`).toEqual(expect.any(String));
        }
      }
    });

    it("resolves every $ref, names components validly, and requires only declared schemes", () => {
      const schemes = Object.keys(document.components["securitySchemes"] ?? {});

      for (const ref of refs(json)) expect(resolvePointer(ref), ref).toBeDefined();
      for (const names of Object.values(document.components)) {
        for (const name of Object.keys(names)) expect(name).toMatch(/^[a-zA-Z0-9._-]+$/);
      }
      for (const ops of Object.values(document.paths)) {
        for (const op of Object.values(ops)) {
          for (const requirement of op.security) {
            for (const scheme of Object.keys(requirement)) expect(schemes).toContain(scheme);
          }
        }
      }
    });
  });
});
