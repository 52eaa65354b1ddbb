/**
 * Every Lambda function of the service, declared once: its handler, its IAM grants and, for a
 * route, its method, path, authorizer and OpenAPI description. From this one table
 * sls/generate.ts builds the `functions` of serverless.yml and one execution role per function
 * (its own log group plus exactly these grants), and scripts/openapi/document.ts the OpenAPI
 * description. test/template/iam.test.ts checks the packaged roles against these grants, and
 * test/scripts/openapi.test.ts the packaged routes against the description.
 *
 * Adding a route: docs/adding-a-route.md. A grant is `<action> <resource>`; add only what the
 * function's code calls: this table is the least-privilege review.
 */
import { fileCreate } from "../shared/files/schemas.js";
import { noteCreate, noteReplace } from "../shared/notes/schemas.js";
import { profileUpdate } from "../shared/users/me.js";
import { ifMatch, paging } from "../scripts/openapi/components.js";
import type { FunctionDeclaration, Grant } from "./declaration.js";

const filesEnvironment = {
  BUCKET_NAME: "${param:bucketName}",
  S3_ENDPOINT: "${param:s3Endpoint}",
};

/**
 * What settling a pending upload takes (listFiles, getFile): HeadObject (s3:GetObject), then
 * marking it available (UpdateItem) or forgetting an abandoned one (DeleteItem). Without
 * s3:ListBucket, HeadObject on a missing key answers 403 instead of 404, so "not uploaded yet"
 * would look like a failure.
 */
const settlesUploads: Grant[] = [
  "dynamodb:UpdateItem DataTable",
  "dynamodb:DeleteItem DataTable",
  "s3:GetObject FilesBucket/users/*",
  "s3:ListBucket FilesBucket",
];

/**
 * Cognito waits 5 s for a trigger: a 4 s timeout ends a stuck one first, and the SDK clients'
 * request timeouts and retries (shared/runtime/aws.ts) fit inside it.
 */
const TRIGGER_TIMEOUT = 4;

export const functions = {
  getHealth: {
    handler: "functions/get-health.handler",
    grants: [],
    route: {
      method: "get",
      path: "/health",
      auth: "none",
      summary: "Liveness check",
      tag: "health",
      ok: [200, "Health"],
      errors: [],
    },
  },
  getMe: {
    handler: "functions/get-me.handler",
    grants: ["dynamodb:GetItem DataTable"],
    route: {
      method: "get",
      path: "/me",
      auth: "user",
      summary: "The caller's identity and profile",
      tag: "me",
      ok: [200, "Me"],
      errors: [401],
    },
  },
  updateMe: {
    handler: "functions/update-me.handler",
    grants: ["dynamodb:UpdateItem DataTable"],
    route: {
      method: "patch",
      path: "/me",
      auth: "user",
      summary: "Change the caller's display name",
      tag: "me",
      body: ["ProfileUpdate", profileUpdate],
      ok: [200, "Me"],
      errors: [400, 401, 404, 413, 415],
    },
  },
  // Deletes the caller's account: the profile becomes a tombstone (UpdateItem), the partition is
  // read (Query) and emptied (DeleteItem), the objects under the user's prefix are listed and
  // deleted, the legacy record of the address and the Cognito user go (shared/users/deletion.ts).
  deleteMe: {
    handler: "functions/delete-me.handler",
    timeout: 29,
    environment: {
      ...filesEnvironment,
      USER_POOL_ID: "${param:userPoolIdEnv}",
      LEGACY_USERS_TABLE: "${self:custom.legacyUsersTableName}",
    },
    grants: [
      "dynamodb:UpdateItem DataTable",
      "dynamodb:Query DataTable",
      "dynamodb:DeleteItem DataTable",
      "dynamodb:DeleteItem LegacyUsersTable",
      {
        grant: "s3:ListBucket FilesBucket",
        condition: { StringLike: { "s3:prefix": ["users/*"] } },
      },
      "s3:DeleteObject FilesBucket/users/*",
      "cognito-idp:AdminDeleteUser UserPool",
    ],
    route: {
      method: "delete",
      path: "/me",
      auth: "user",
      summary: "Delete the caller's account and everything of it; safe to retry",
      tag: "me",
      ok: [204],
      errors: [401],
    },
  },
  // Hourly: deletes accounts still unconfirmed 24 hours after sign-up (docs/security.md).
  expireUnconfirmed: {
    handler: "functions/jobs/expire-unconfirmed.handler",
    timeout: 60,
    environment: { USER_POOL_ID: "${param:userPoolIdEnv}" },
    grants: ["cognito-idp:ListUsers UserPool", "cognito-idp:AdminDeleteUser UserPool"],
    schedule: "rate(1 hour)",
  },
  createNote: {
    handler: "functions/create-note.handler",
    grants: ["dynamodb:PutItem DataTable"],
    route: {
      method: "post",
      path: "/notes",
      auth: "user",
      summary: "Create a note",
      tag: "notes",
      body: ["NoteCreate", noteCreate],
      ok: [201, "Note", ["Location", "ETag"]],
      errors: [400, 401, 413, 415],
    },
  },
  listNotes: {
    handler: "functions/list-notes.handler",
    grants: ["dynamodb:Query DataTable"],
    route: {
      method: "get",
      path: "/notes",
      auth: "user",
      summary: "The caller's notes, newest first",
      tag: "notes",
      parameters: paging,
      ok: [200, "NotePage"],
      errors: [400, 401],
    },
  },
  getNote: {
    handler: "functions/get-note.handler",
    grants: ["dynamodb:GetItem DataTable"],
    route: {
      method: "get",
      path: "/notes/{noteId}",
      auth: "user",
      summary: "One of the caller's notes",
      tag: "notes",
      ok: [200, "Note", ["ETag"]],
      errors: [401, 404],
    },
  },
  updateNote: {
    handler: "functions/update-note.handler",
    grants: ["dynamodb:UpdateItem DataTable"],
    route: {
      method: "put",
      path: "/notes/{noteId}",
      auth: "user",
      summary: "Replace a note (optimistic locking)",
      tag: "notes",
      parameters: [ifMatch(true)],
      body: ["NoteReplace", noteReplace],
      ok: [200, "Note", ["ETag"]],
      errors: [400, 401, 404, 412, 413, 415, 428],
    },
  },
  deleteNote: {
    handler: "functions/delete-note.handler",
    grants: ["dynamodb:DeleteItem DataTable"],
    route: {
      method: "delete",
      path: "/notes/{noteId}",
      auth: "user",
      summary: "Delete a note",
      tag: "notes",
      parameters: [ifMatch(false)],
      ok: [204],
      errors: [400, 401, 404, 412],
    },
  },
  // The bytes never pass through the API: POST answers a presigned S3 POST form, GET a
  // presigned URL.
  createFile: {
    handler: "functions/create-file.handler",
    environment: filesEnvironment,
    grants: ["dynamodb:PutItem DataTable", "s3:PutObject FilesBucket/users/*"],
    route: {
      method: "post",
      path: "/files",
      auth: "user",
      summary: "Declare a file and get a presigned POST to upload it",
      tag: "files",
      body: ["FileCreate", fileCreate],
      ok: [201, "NewFile", ["Location"]],
      errors: [400, 401, 413, 415],
    },
  },
  listFiles: {
    handler: "functions/list-files.handler",
    environment: filesEnvironment,
    grants: ["dynamodb:Query DataTable", ...settlesUploads],
    route: {
      method: "get",
      path: "/files",
      auth: "user",
      summary: "The caller's uploaded files, newest first",
      tag: "files",
      parameters: paging,
      ok: [200, "FilePage"],
      errors: [400, 401],
    },
  },
  // Plus the presigned download URL (signed with s3:GetObject).
  getFile: {
    handler: "functions/get-file.handler",
    environment: filesEnvironment,
    grants: ["dynamodb:GetItem DataTable", ...settlesUploads],
    route: {
      method: "get",
      path: "/files/{fileId}",
      auth: "user",
      summary: "A file's metadata and a short-lived download URL",
      tag: "files",
      ok: [200, "FileDownload"],
      errors: [401, 404],
    },
  },
  deleteFile: {
    handler: "functions/delete-file.handler",
    environment: filesEnvironment,
    grants: ["dynamodb:DeleteItem DataTable", "s3:DeleteObject FilesBucket/users/*"],
    route: {
      method: "delete",
      path: "/files/{fileId}",
      auth: "user",
      summary: "Delete a file and its metadata",
      tag: "files",
      ok: [204],
      errors: [401, 404],
    },
  },
  // The admin routes' custom Lambda authorizer verifies tokens against the pool's public JWKS
  // (HTTPS, no AWS call). Its result is cached per token, so its policy covers every admin route.
  adminAuthorizer: {
    // functions/authorizers/admin.handler; locally scripts/local/admin-authorizer.handler.
    handler: "${param:adminAuthorizerHandler}",
    timeout: 5,
    environment: {
      USER_POOL_ID: "${param:userPoolIdEnv}",
      USER_POOL_CLIENT_ID: "${param:userPoolClientIdEnv}",
      JWT_ISSUER: "${param:jwtIssuer}",
    },
    grants: [],
  },
  // Every profile, newest first: keys from the gsi1 index (no table-wide Scan or Query), then the
  // page's profiles by key.
  listUsers: {
    handler: "functions/list-users.handler",
    grants: ["dynamodb:Query DataTable/index/gsi1", "dynamodb:BatchGetItem DataTable"],
    route: {
      method: "get",
      path: "/admin/users",
      auth: "admin",
      summary: "Every user, newest first (admins only)",
      tag: "admin",
      parameters: paging,
      ok: [200, "UserPage"],
      errors: [400, 401, 403],
    },
  },
  // The acting admin's and the other admins' profiles (GetItem), the target's (UpdateItem); who
  // else is an admin, ending the target's sessions and disabling them in Cognito.
  disableUser: {
    handler: "functions/disable-user.handler",
    environment: { USER_POOL_ID: "${param:userPoolIdEnv}" },
    grants: [
      "dynamodb:GetItem DataTable",
      "dynamodb:UpdateItem DataTable",
      "cognito-idp:ListUsersInGroup UserPool",
      "cognito-idp:AdminUserGlobalSignOut UserPool",
      "cognito-idp:AdminDisableUser UserPool",
    ],
    route: {
      method: "post",
      path: "/admin/users/{sub}/disable",
      auth: "admin",
      summary: "Refuse the user's next sign-ins (admins only)",
      tag: "admin",
      ok: [204],
      errors: [401, 403, 404],
    },
  },
  enableUser: {
    handler: "functions/enable-user.handler",
    environment: { USER_POOL_ID: "${param:userPoolIdEnv}" },
    grants: [
      "dynamodb:GetItem DataTable",
      "dynamodb:UpdateItem DataTable",
      "cognito-idp:AdminEnableUser UserPool",
    ],
    route: {
      method: "post",
      path: "/admin/users/{sub}/enable",
      auth: "admin",
      summary: "Allow the user to sign in again (admins only)",
      tag: "admin",
      ok: [204],
      errors: [401, 403, 404],
    },
  },
  // Cognito user-pool triggers (triggers/*.ts); the pool's LambdaConfig
  // (sls/resources/cognito.yml) points at them. They never get the pool id through the
  // environment: that would be a circular dependency (the pool needs the functions first); a
  // trigger reads `event.userPoolId` instead.
  preSignUp: {
    handler: "triggers/pre-sign-up.handler",
    timeout: TRIGGER_TIMEOUT,
    environment: {
      ALLOWED_EMAIL_DOMAINS: "${param:allowedEmailDomains}",
      LEGACY_USERS_TABLE: "${self:custom.legacyUsersTableName}",
    },
    // An address of the legacy store is refused at sign-up: its owner migrates instead.
    grants: ["dynamodb:GetItem LegacyUsersTable"],
  },
  postConfirmation: {
    handler: "triggers/post-confirmation.handler",
    timeout: TRIGGER_TIMEOUT,
    grants: ["dynamodb:PutItem DataTable"],
  },
  preAuthentication: {
    handler: "triggers/pre-authentication.handler",
    timeout: TRIGGER_TIMEOUT,
    grants: ["dynamodb:GetItem DataTable"],
  },
  postAuthentication: {
    handler: "triggers/post-authentication.handler",
    timeout: TRIGGER_TIMEOUT,
    grants: [
      "dynamodb:GetItem DataTable",
      "dynamodb:PutItem DataTable",
      "dynamodb:UpdateItem DataTable",
    ],
  },
  preTokenGeneration: {
    handler: "triggers/pre-token-generation.handler",
    timeout: TRIGGER_TIMEOUT,
    grants: ["dynamodb:GetItem DataTable", "dynamodb:PutItem DataTable"],
  },
  customMessage: {
    handler: "triggers/custom-message.handler",
    timeout: TRIGGER_TIMEOUT,
    grants: [],
  },
  userMigration: {
    handler: "triggers/user-migration.handler",
    timeout: TRIGGER_TIMEOUT,
    // bcrypt is CPU-bound and Lambda CPU scales with memory: one comparison at cost 10 stays well
    // under a second even cold.
    memorySize: 1024,
    environment: {
      ALLOWED_EMAIL_DOMAINS: "${param:allowedEmailDomains}",
      LEGACY_USERS_TABLE: "${self:custom.legacyUsersTableName}",
      LEGACY_HASH_COST: "${param:legacyHashCost}",
    },
    grants: ["dynamodb:GetItem LegacyUsersTable"],
  },
} satisfies Record<string, FunctionDeclaration>;
