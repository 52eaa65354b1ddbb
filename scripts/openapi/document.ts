/**
 * The OpenAPI 3.1 description of every route (docs/api.md), written to `openapi.json` by
 * `npm run openapi`. test/scripts/openapi.test.ts fails when a route in serverless.yml is missing
 * here (or the other way round), when a route's security differs from its authorizer, and when the
 * committed file is not what this module generates.
 */
import { MAX_BODY_BYTES } from "../../shared/http/api.js";
import {
  responses,
  schemas,
  securitySchemes,
  type ErrorStatus,
  type SecurityScheme,
} from "./components.js";

export interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: Record<string, unknown>[];
  requestBody?: Record<string, unknown>;
  responses: Record<string, unknown>;
}

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  servers: Record<string, unknown>[];
  tags: Record<string, unknown>[];
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: Record<string, Record<string, unknown>>;
}

interface Route {
  /** The operationId: the function's name in serverless.yml (sls/functions/*.yml). */
  id: string;
  summary: string;
  tag: "health" | "me" | "notes" | "files" | "admin";
  auth: SecurityScheme | "none";
  parameters?: Record<string, unknown>[];
  body?: string;
  ok: [status: string, schema?: string, headers?: string[]];
  errors: ErrorStatus[];
}

const pathParameter = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string" },
});
const noteId = pathParameter("noteId", "The note's id (a ULID).");
const fileId = pathParameter("fileId", "The file's id (a ULID).");
const sub = pathParameter("sub", "The user's Cognito `sub` (a UUID).");
const paging = [
  {
    name: "limit",
    in: "query",
    description: "Items per page, 1-100; give it at most once.",
    schema: { type: "integer", minimum: 1, maximum: 100, default: 20 },
  },
  {
    name: "cursor",
    in: "query",
    description: "`nextCursor` of the previous page; bound to the caller (another's is a 400).",
    schema: { type: "string" },
  },
];
const ifMatch = (required: boolean) => ({
  name: "If-Match",
  in: "header",
  required,
  description:
    'Exactly one strong ETag, as last read (for example `"3"`); `*` and lists are a 400.',
  schema: { type: "string", pattern: '^"[1-9][0-9]{0,14}"$' },
});

const routes: Record<string, Partial<Record<Method, Route>>> = {
  "/health": {
    get: {
      id: "getHealth",
      summary: "Liveness check",
      tag: "health",
      auth: "none",
      ok: ["200", "Health"],
      errors: [],
    },
  },
  "/me": {
    get: {
      id: "getMe",
      summary: "The caller's identity and profile",
      tag: "me",
      auth: "cognitoUserPool",
      ok: ["200", "Me"],
      errors: ["401"],
    },
    patch: {
      id: "updateMe",
      summary: "Change the caller's display name",
      tag: "me",
      auth: "cognitoUserPool",
      body: "ProfileUpdate",
      ok: ["200", "Me"],
      errors: ["400", "401", "404", "413", "415"],
    },
    delete: {
      id: "deleteMe",
      summary: "Delete the caller's account and everything of it; safe to retry",
      tag: "me",
      auth: "cognitoUserPool",
      ok: ["204"],
      errors: ["401"],
    },
  },
  "/notes": {
    post: {
      id: "createNote",
      summary: "Create a note",
      tag: "notes",
      auth: "cognitoUserPool",
      body: "NoteCreate",
      ok: ["201", "Note", ["Location", "ETag"]],
      errors: ["400", "401", "413", "415"],
    },
    get: {
      id: "listNotes",
      summary: "The caller's notes, newest first",
      tag: "notes",
      auth: "cognitoUserPool",
      parameters: paging,
      ok: ["200", "NotePage"],
      errors: ["400", "401"],
    },
  },
  "/notes/{noteId}": {
    get: {
      id: "getNote",
      summary: "One of the caller's notes",
      tag: "notes",
      auth: "cognitoUserPool",
      parameters: [noteId],
      ok: ["200", "Note", ["ETag"]],
      errors: ["401", "404"],
    },
    put: {
      id: "updateNote",
      summary: "Replace a note (optimistic locking)",
      tag: "notes",
      auth: "cognitoUserPool",
      parameters: [noteId, ifMatch(true)],
      body: "NoteReplace",
      ok: ["200", "Note", ["ETag"]],
      errors: ["400", "401", "404", "412", "413", "415", "428"],
    },
    delete: {
      id: "deleteNote",
      summary: "Delete a note",
      tag: "notes",
      auth: "cognitoUserPool",
      parameters: [noteId, ifMatch(false)],
      ok: ["204"],
      errors: ["400", "401", "404", "412"],
    },
  },
  "/files": {
    post: {
      id: "createFile",
      summary: "Declare a file and get a presigned POST to upload it",
      tag: "files",
      auth: "cognitoUserPool",
      body: "FileCreate",
      ok: ["201", "NewFile", ["Location"]],
      errors: ["400", "401", "413", "415"],
    },
    get: {
      id: "listFiles",
      summary: "The caller's uploaded files, newest first",
      tag: "files",
      auth: "cognitoUserPool",
      parameters: paging,
      ok: ["200", "FilePage"],
      errors: ["400", "401"],
    },
  },
  "/files/{fileId}": {
    get: {
      id: "getFile",
      summary: "A file's metadata and a short-lived download URL",
      tag: "files",
      auth: "cognitoUserPool",
      parameters: [fileId],
      ok: ["200", "FileDownload"],
      errors: ["401", "404"],
    },
    delete: {
      id: "deleteFile",
      summary: "Delete a file and its metadata",
      tag: "files",
      auth: "cognitoUserPool",
      parameters: [fileId],
      ok: ["204"],
      errors: ["401", "404"],
    },
  },
  "/admin/users": {
    get: {
      id: "listUsers",
      summary: "Every user, newest first (admins only)",
      tag: "admin",
      auth: "adminAuthorizer",
      parameters: paging,
      ok: ["200", "UserPage"],
      errors: ["400", "401", "403"],
    },
  },
  "/admin/users/{sub}/disable": {
    post: {
      id: "disableUser",
      summary: "Refuse the user's next sign-ins (admins only)",
      tag: "admin",
      auth: "adminAuthorizer",
      parameters: [sub],
      ok: ["204"],
      errors: ["401", "403", "404"],
    },
  },
  "/admin/users/{sub}/enable": {
    post: {
      id: "enableUser",
      summary: "Allow the user to sign in again (admins only)",
      tag: "admin",
      auth: "adminAuthorizer",
      parameters: [sub],
      ok: ["204"],
      errors: ["401", "403", "404"],
    },
  },
};

const headers: Record<string, Record<string, unknown>> = {
  Location: { description: "Path of the new item, relative to the API's base URL." },
  ETag: { description: 'The item\'s version as a strong ETag, such as `"1"`.' },
};

function operation(route: Route): Operation {
  const [status, schema, headerNames = []] = route.ok;
  const success = {
    description: route.summary,
    ...(headerNames.length > 0 && {
      headers: Object.fromEntries(
        headerNames.map((name) => [name, { ...headers[name], schema: { type: "string" } }]),
      ),
    }),
    ...(schema !== undefined && {
      content: { "application/json": { schema: { $ref: `#/components/schemas/${schema}` } } },
    }),
  };
  const errors: ErrorStatus[] = [...route.errors, "429", "5XX"];
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    security: route.auth === "none" ? [] : [{ [route.auth]: [] }],
    ...(route.parameters && { parameters: route.parameters }),
    ...(route.body !== undefined && {
      requestBody: {
        required: true,
        description: `JSON, at most ${MAX_BODY_BYTES} bytes; any field not listed is a 400.`,
        content: { "application/json": { schema: { $ref: `#/components/schemas/${route.body}` } } },
      },
    }),
    responses: {
      [status]: success,
      ...Object.fromEntries(
        errors.map((code) => [code, { $ref: `#/components/responses/${code}` }]),
      ),
    },
  };
}

/** The whole description, deterministic (no dates, no environment). */
export function openApiDocument(): OpenApiDocument {
  return {
    openapi: "3.1.1",
    info: {
      title: "Cognito-secured serverless API",
      version: "0.1.0",
      description:
        "Per-user notes and files behind Amazon Cognito, and admin routes behind a custom Lambda authorizer. Errors are `application/problem+json` (RFC 9457). Generated by `npm run openapi` from the handlers' own request schemas.",
    },
    servers: [
      {
        url: "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}",
        description: "A deployed stage (the stack output `ApiUrl`).",
        variables: {
          apiId: { default: "your-api-id" },
          region: { default: "us-east-1" },
          stage: { default: "dev" },
        },
      },
      { url: "http://127.0.0.1:3000/local", description: "The local stack of `npm start`." },
    ],
    tags: [
      { name: "health" },
      { name: "me", description: "The caller's identity and profile." },
      { name: "notes", description: "The caller's notes, with optimistic locking." },
      { name: "files", description: "The caller's files, uploaded straight to S3." },
      { name: "admin", description: "User administration, for the group `admins`." },
    ],
    paths: Object.fromEntries(
      Object.entries(routes).map(([path, methods]) => [
        path,
        Object.fromEntries(
          Object.entries(methods).map(([method, route]) => [method, operation(route)]),
        ),
      ]),
    ),
    components: { schemas, responses, securitySchemes },
  };
}
