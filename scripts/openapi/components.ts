/**
 * The reusable parts of the OpenAPI description: the response shapes routes share, the
 * problem+json error, the shared parameters, and both security schemes. Request bodies are
 * converted from the very valibot schemas the handlers validate with (`requestSchema`, named in
 * each route's declaration in sls/functions.ts), so the description cannot drift from the
 * validation.
 *
 * JSON Schema cannot express every valibot check (well-formed Unicode, "not blank", the lower-casing
 * of a content type): the handlers enforce those on top, with a 400 that names the field.
 */
import { toJsonSchema, type JsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../shared/http/validation.js";

/** A request body as the handler's schema accepts it (its input side, before defaults). */
export function requestSchema(schema: v.GenericSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, {
    target: "draft-2020-12",
    typeMode: "input",
    errorMode: "ignore",
  });
  return rest;
}

const string = { type: "string" } as const;
const instant = { type: "string", format: "date-time" } as const;
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: "null" }] });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const object = (properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema => ({
  type: "object",
  properties,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
});
const page = (item: string): JsonSchema =>
  object(
    {
      items: { type: "array", items: ref(item) },
      nextCursor: {
        type: "string",
        description: "Present when more items may follow; pass it back as `cursor`.",
      },
    },
    ["nextCursor"],
  );

const fileMeta = {
  fileId: string,
  fileName: string,
  contentType: string,
  size: { type: "integer", minimum: 1 },
  createdAt: instant,
} as const;

export const schemas = {
  Problem: object({
    type: { ...string, description: "Always `about:blank`." },
    title: string,
    status: { type: "integer" },
    detail: string,
  }),
  Health: object({ status: { const: "ok" } }),
  Me: object({
    sub: string,
    email: nullable(string),
    org: nullable(string),
    plan: string,
    groups: { type: "array", items: string },
    profile: object({
      displayName: nullable(string),
      createdAt: nullable(instant),
      lastLoginAt: nullable(instant),
      loginCount: { type: "integer", minimum: 0 },
    }),
  }),
  Note: object({
    noteId: string,
    title: string,
    body: string,
    version: { type: "integer", minimum: 1 },
    createdAt: instant,
    updatedAt: instant,
  }),
  NotePage: page("Note"),
  File: object(fileMeta),
  FilePage: page("File"),
  NewFile: object({
    ...fileMeta,
    upload: object({
      url: { ...string, format: "uri" },
      fields: {
        type: "object",
        additionalProperties: string,
        description: "Send these form fields, then the file as `file`, in a POST to `url`.",
      },
    }),
    expiresIn: { type: "integer", description: "Seconds the upload form stays valid." },
  }),
  FileDownload: object({
    ...fileMeta,
    downloadUrl: { ...string, format: "uri" },
    expiresIn: { type: "integer", description: "Seconds the download URL stays valid." },
  }),
  UserSummary: object({
    sub: string,
    email: string,
    status: { enum: ["active", "disabled"] },
    createdAt: instant,
    lastLoginAt: nullable(instant),
  }),
  UserPage: page("UserSummary"),
} satisfies Record<string, JsonSchema>;

export type SchemaName = keyof typeof schemas;

/** A query or header parameter of an operation. */
export interface Parameter {
  name: string;
  in: "query" | "header";
  required?: boolean;
  description: string;
  schema: JsonSchema;
}

/** `limit` and `cursor`, the query of every list (shared/data/paging.ts). */
export const paging: readonly Parameter[] = [
  {
    name: "limit",
    in: "query",
    description: `Items per page, 1-${MAX_PAGE_SIZE}; give it at most once.`,
    schema: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  },
  {
    name: "cursor",
    in: "query",
    description: "`nextCursor` of the previous page; bound to the caller (another's is a 400).",
    schema: { type: "string" },
  },
];

/** The `If-Match` header of optimistic locking (shared/http/preconditions.ts). */
export const ifMatch = (required: boolean): Parameter => ({
  name: "If-Match",
  in: "header",
  required,
  description:
    'Exactly one strong ETag, as last read (for example `"3"`); `*` and lists are a 400.',
  schema: { type: "string", pattern: '^"[1-9][0-9]{0,14}"$' },
});

/** Descriptions of the path parameters routes share, by name. */
export const pathParameters: Record<string, string> = {
  noteId: "The note's id (a ULID).",
  fileId: "The file's id (a ULID).",
  sub: "The user's Cognito `sub` (a UUID).",
};

/** Response headers routes set, by name. */
export const responseHeaders: Record<string, string> = {
  Location: "Path of the new item, relative to the API's base URL.",
  ETag: 'The item\'s version as a strong ETag, such as `"1"`.',
};

/** Descriptions of the OpenAPI tags, by name. */
export const tags: Record<string, string> = {
  me: "The caller's identity and profile.",
  notes: "The caller's notes, with optimistic locking.",
  files: "The caller's files, uploaded straight to S3.",
  admin: "User administration, for the group `admins`.",
};

export const securitySchemes = {
  cognitoUserPool: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A Cognito user-pool **access token** (not the ID token), checked by API Gateway's COGNITO_USER_POOLS authorizer with the scope `aws.cognito.signin.user.admin`.",
    "x-amazon-apigateway-authtype": "cognito_user_pools",
  },
  adminAuthorizer: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A Cognito access token of a member of the group `admins`, checked by the project's custom Lambda authorizer (functions/authorizers/admin.ts); other valid users get 403.",
    "x-amazon-apigateway-authtype": "custom",
  },
} as const;

export type SecurityScheme = keyof typeof securitySchemes;

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref("Problem") } },
});

/** Every error status a route may answer, as reusable responses. */
export const errorResponses = {
  "400": problem("The request is invalid; `detail` names the field."),
  "401": problem("No valid access token."),
  "403": problem("A valid token that may not call this route."),
  "404": problem("No such item for this caller (another user's item looks the same)."),
  "412": problem("`If-Match` names a version that is no longer current."),
  "413": problem("The body is over 64 KiB, or the declared file is over 10 MiB."),
  "415": problem("The body is not JSON."),
  "428": problem("`If-Match` is required."),
  "429": problem("Throttled by the API stage; retry later."),
  "5XX": problem("The service failed or is unavailable; retry later."),
} as const;

/** An error status a route declares (429 and 5XX apply to every route). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 412 | 413 | 415 | 428;

export const responses: Record<`${ErrorStatus}` | "429" | "5XX", unknown> = errorResponses;
