/**
 * The shape of a function declaration (sls/functions.ts), and what Serverless gets from it: the
 * `functions` block (handler, settings, the HTTP event with its authorizer) and one IAM role per
 * function allowing exactly its own log group and its declared grants. serverless.yml loads both
 * through sls/functions.cjs; nothing here runs in Lambda.
 */
import type * as v from "valibot";
import type { ErrorStatus, Parameter, SchemaName } from "../scripts/openapi/components.js";
import type { JsonSchema } from "@valibot/to-json-schema";

/** The CloudFormation resources a function may be granted access to (sls/resources/data.yml). */
export const grantResources = [
  "DataTable",
  "DataTable/index/gsi1",
  "LegacyUsersTable",
  "FilesBucket",
  "FilesBucket/users/*",
  "UserPool",
] as const;
export type GrantResource = (typeof grantResources)[number];

/** One permission: `<action> <resource>`, such as `dynamodb:GetItem DataTable`. */
export type Grant = `${"dynamodb" | "s3" | "cognito-idp"}:${string} ${GrantResource}`;

/** A grant that holds only under an IAM condition (for example an `s3:prefix`). */
export interface ConditionalGrant {
  grant: Grant;
  condition: Record<string, unknown>;
}

export type Method = "get" | "post" | "put" | "patch" | "delete";

/**
 * Who may call a route: `user` is any signed-in user (API Gateway's Cognito authorizer; locally
 * the equivalent Lambda authorizer), `admin` a member of the group `admins` (the custom
 * authorizer functions/authorizers/admin.ts), `none` anyone.
 */
export type Auth = "user" | "admin" | "none";

/** A schema of the OpenAPI description: a shared one by name, or a new one with its name. */
export type ResponseSchema = SchemaName | readonly [name: string, schema: JsonSchema];

export interface RouteDeclaration {
  method: Method;
  /** API path with `{name}` parameters, such as `/notes/{noteId}`. */
  path: `/${string}`;
  auth: Auth;
  summary: string;
  /** The OpenAPI tag, usually the feature: `notes`, `files`, `admin`. */
  tag: string;
  /** Descriptions of the path's `{name}` parameters not among the shared ones. */
  pathParameters?: Record<string, string>;
  /** Query and header parameters. */
  parameters?: readonly Parameter[];
  /** The JSON request body: its OpenAPI name and the valibot schema the handler validates with. */
  body?: readonly [name: string, schema: v.GenericSchema];
  /** The success status, its body schema and the response headers it sets. */
  ok: readonly [
    status: 200 | 201 | 202 | 204,
    schema?: ResponseSchema,
    headers?: readonly string[],
  ];
  /** The error statuses the handler answers (429 and 5XX are added to every route). */
  errors: readonly ErrorStatus[];
}

export interface FunctionDeclaration {
  /** `<file without extension>.<export>`, such as `functions/get-note.handler`. */
  handler: string;
  /** Everything the function's code calls besides writing its own logs. */
  grants: readonly (Grant | ConditionalGrant)[];
  /** Variables beyond provider.environment (Serverless variables allowed). */
  environment?: Record<string, string>;
  timeout?: number;
  memorySize?: number;
  /** The API route it serves; functions without one are triggers, authorizers or jobs. */
  route?: RouteDeclaration;
  /** A schedule expression (`rate(1 hour)`) for a job. */
  schedule?: string;
}

/** CORS of every route: `custom.cors` of serverless.yml (the stage's origin; `If-Match` allowed). */
const CORS = "${self:custom.cors}";

/**
 * Per token for 60 seconds: the authorizer's policy covers every admin route; the disable and
 * enable handlers also check that the acting admin is still active.
 */
const ADMIN_AUTHORIZER = {
  name: "adminAuthorizer",
  type: "request",
  identitySource: "method.request.header.Authorization",
  resultTtlInSeconds: 60,
};

const authorizers: Record<Auth, unknown> = {
  user: "${param:userAuthorizer}",
  admin: ADMIN_AUTHORIZER,
  none: undefined,
};

/** Serverless's logical-id prefix of a function: `getNote` → `GetNote`. */
export function logicalName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The role of a function, by logical id. */
export const roleId = (name: string): string => `${logicalName(name)}Role`;

/** The `functions` block of serverless.yml. */
export function serverlessFunctions(
  declarations: Record<string, FunctionDeclaration>,
): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(declarations).map(([name, fn]) => {
      const { route } = fn;
      const authorizer = route && authorizers[route.auth];
      return [
        name,
        {
          handler: fn.handler,
          role: roleId(name),
          ...(fn.timeout !== undefined && { timeout: fn.timeout }),
          ...(fn.memorySize !== undefined && { memorySize: fn.memorySize }),
          ...(fn.environment && { environment: fn.environment }),
          ...(fn.schedule !== undefined && { events: [{ schedule: fn.schedule }] }),
          ...(route && {
            events: [
              {
                http: {
                  method: route.method,
                  path: route.path.slice(1),
                  cors: CORS,
                  ...(authorizer !== undefined && { authorizer }),
                },
              },
            ],
          }),
        },
      ];
    }),
  );
}

function arn(resource: GrantResource): unknown {
  const [base, ...rest] = resource.split("/");
  return rest.length === 0
    ? { "Fn::GetAtt": [base, "Arn"] }
    : { "Fn::Sub": `\${${base ?? ""}.Arn}/${rest.join("/")}` };
}

/** The `<action> <resource>` of a grant, conditional or not. */
export const grantOf = (grant: Grant | ConditionalGrant): Grant =>
  typeof grant === "string" ? grant : grant.grant;

/**
 * Allow statements for the grants: one per resource, actions in declared order, and one of its own
 * for each conditional grant.
 */
export function grantStatements(
  grants: readonly (Grant | ConditionalGrant)[],
): Record<string, unknown>[] {
  const conditional = grants
    .filter((grant): grant is ConditionalGrant => typeof grant !== "string")
    .map(({ grant, condition }) => ({ ...grantStatements([grant])[0], Condition: condition }));
  const byResource = new Map<GrantResource, string[]>();
  for (const grant of grants.filter((g): g is Grant => typeof g === "string")) {
    const space = grant.indexOf(" ");
    const action = grant.slice(0, space);
    const resource = grantResources.find((known) => known === grant.slice(space + 1));
    if (resource === undefined) throw new Error(`Unknown resource in the grant "${grant}"`);
    byResource.set(resource, [...(byResource.get(resource) ?? []), action]);
  }
  return [
    ...[...byResource].map(([resource, actions]) => ({
      Effect: "Allow",
      Action: actions,
      Resource: arn(resource),
    })),
    ...conditional,
  ];
}

/** One role per function: assumed by Lambda only, writing its own log group, and its grants. */
export function roleResources(
  declarations: Record<string, FunctionDeclaration>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(declarations).map(([name, fn]) => [
      roleId(name),
      {
        Type: "AWS::IAM::Role",
        Properties: {
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: "sts:AssumeRole",
              },
            ],
          },
          Policies: [
            {
              PolicyName: "function",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [
                  {
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: { "Fn::GetAtt": [`${logicalName(name)}LogGroup`, "Arn"] },
                  },
                  ...grantStatements(fn.grants),
                ],
              },
            },
          ],
        },
      },
    ]),
  );
}
