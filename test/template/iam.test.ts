import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantOf, logicalName } from "../../sls/declaration.js";
import { functions } from "../../sls/functions.js";
import { ofType, packageStage, type Resource, type Template } from "../support/template.js";

/**
 * What each function may do besides writing its own log group, as `<action> <resource>`: the
 * grants declared in sls/functions.ts, by logical name. The packaged roles must allow exactly
 * these; the review of least privilege is the review of that table.
 */
const GRANTS: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries(functions).map(([name, fn]) => [
    logicalName(name),
    fn.grants.map((grant) => grantOf(grant)),
  ]),
);

/** The functions API Gateway invokes: the routes and the admin routes' authorizer. */
const INVOKED_BY_API = [
  ...Object.entries(functions).flatMap(([name, fn]) => ("route" in fn ? [logicalName(name)] : [])),
  "AdminAuthorizer",
];

/**
 * Serverless's own custom resource that sets the account-wide API Gateway logging role once
 * (`provider.logs.restApi`; gone with `apiGatewayLogsRoleManagedExternally`). It touches no data.
 */
const ACCOUNT_ROLE_FUNCTION = "CustomDashresourceDashapigwDashcwDashroleLambdaFunction";

/** The identity pool's role, assumed by signed-in users (test/template/identity-pool.test.ts). */
const IDENTITY_POOL_ROLE = "IdentityPoolAuthenticatedRole";

/** The roles of functions: every role except the identity pool's. */
const functionRoles = (template: Template) =>
  ofType(template, "AWS::IAM::Role").filter(([id]) => id !== IDENTITY_POOL_ROLE);

const WRITE_LOGS = ["logs:CreateLogStream", "logs:PutLogEvents"];

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** A readable name for a policy resource: `DataTable`, `FilesBucket/users/*`, or raw JSON. */
function resourceName(resource: unknown): string {
  if (typeof resource === "string") return resource;
  const getAtt = (resource as { "Fn::GetAtt"?: [string, string] })["Fn::GetAtt"];
  if (getAtt?.[1] === "Arn") return getAtt[0];
  const sub = (resource as { "Fn::Sub"?: unknown })["Fn::Sub"];
  if (typeof sub === "string") return sub.replace(/\$\{(\w+)\.Arn\}/g, "$1");
  return JSON.stringify(resource);
}

function statements(role: Resource | undefined): Statement[] {
  const policies = (role?.Properties["Policies"] ?? []) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

/** Every `<action> <resource>` an Allow statement grants. */
function grants(role: Resource | undefined): string[] {
  return statements(role)
    .filter((statement) => statement.Effect === "Allow")
    .flatMap((statement) =>
      list(statement.Action).flatMap((action) =>
        list(statement.Resource).map((resource) => `${action} ${resourceName(resource)}`),
      ),
    );
}

function roleIdOf(fn: Resource): string {
  const role = fn.Properties["Role"] as { "Fn::GetAtt"?: [string, string] };
  return role["Fn::GetAtt"]?.[0] ?? JSON.stringify(role);
}

describe("IAM in the packaged template (stage dev)", () => {
  let template: Template;
  let dir: string;

  beforeAll(async () => {
    ({ template, dir } = await packageStage("dev"));
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const functions = () =>
    ofType(template, "AWS::Lambda::Function").filter(([id]) => id !== ACCOUNT_ROLE_FUNCTION);
  const roleOf = (fn: Resource) => template.Resources[roleIdOf(fn)];

  it("has exactly the functions whose grants are listed here", () => {
    const names = functions().map(([id]) => id.replace(/LambdaFunction$/, ""));

    expect(names.sort()).toEqual(Object.keys(GRANTS).sort());
  });

  it("gives every function a role of its own, and has no shared provider role", () => {
    const roleIds = ofType(template, "AWS::Lambda::Function").map(([, fn]) => roleIdOf(fn));

    expect(new Set(roleIds).size).toBe(roleIds.length);
    for (const roleId of roleIds)
      expect(template.Resources[roleId]?.Type, roleId).toBe("AWS::IAM::Role");
    expect(template.Resources["IamRoleLambdaExecution"]).toBeUndefined();
  });

  it("lets every role be assumed by Lambda only", () => {
    for (const [id, role] of functionRoles(template)) {
      const trust = role.Properties["AssumeRolePolicyDocument"] as {
        Statement: { Principal: Record<string, string | string[]> }[];
      };
      const principals = trust.Statement.map(({ Principal }) => ({
        ...Principal,
        Service: list(Principal["Service"] ?? []),
      }));

      expect(principals, id).toEqual([{ Service: ["lambda.amazonaws.com"] }]);
    }
  });

  it("lets each function write only its own log group", () => {
    for (const [id, fn] of functions()) {
      const name = id.replace(/LambdaFunction$/, "");
      const logGrants = grants(roleOf(fn)).filter((grant) => grant.startsWith("logs:"));

      expect(logGrants.sort(), id).toEqual(WRITE_LOGS.map((action) => `${action} ${name}LogGroup`));
      expect(template.Resources[`${name}LogGroup`]?.Properties["LogGroupName"], id).toBe(
        `/aws/lambda/${fn.Properties["FunctionName"] as string}`,
      );
    }
  });

  it.each(Object.entries(GRANTS))(
    "grants %s exactly the data actions its code uses",
    (name, expected) => {
      const fn = template.Resources[`${name}LambdaFunction`];
      expect(fn).toBeDefined();

      const dataGrants = grants(fn && roleOf(fn)).filter((grant) => !grant.startsWith("logs:"));

      expect(dataGrants.sort()).toEqual([...expected].sort());
    },
  );

  it("never grants a wildcard action, nor a data action on a wildcard resource", () => {
    for (const [id, role] of functionRoles(template)) {
      for (const statement of statements(role)) {
        const actions = list(statement.Action);
        const resources = list(statement.Resource).map(resourceName);

        for (const action of actions) expect(action, id).not.toMatch(/(^|:)\*$/);
        expect(resources, id).not.toContain("*");
        if (actions.some((action) => /^(dynamodb|s3):/.test(action))) {
          for (const resource of resources) {
            expect(resource, id).toMatch(
              /^(DataTable|DataTable\/index\/gsi1|LegacyUsersTable|FilesBucket|FilesBucket\/users\/\*)$/,
            );
          }
        }
      }
    }
  });

  it("keeps Serverless's API Gateway logging custom resource away from data and logs", () => {
    const custom = template.Resources[ACCOUNT_ROLE_FUNCTION];
    expect(custom).toBeDefined();

    const customGrants = grants(custom && roleOf(custom));

    expect(customGrants.length).toBeGreaterThan(0);
    for (const grant of customGrants) expect(grant).toMatch(/^(iam|apigateway):/);
  });

  it("lets API Gateway invoke the route functions and the authorizer, from this API only", () => {
    const permissions = ofType(template, "AWS::Lambda::Permission").filter(
      ([, p]) => p.Properties["Principal"] === "apigateway.amazonaws.com",
    );
    const invoked = permissions.map(([, p]) =>
      resourceName(p.Properties["FunctionName"]).replace(/LambdaFunction$/, ""),
    );

    expect(invoked.sort()).toEqual([...INVOKED_BY_API].sort());
    for (const [id, permission] of permissions) {
      const source = JSON.stringify(permission.Properties["SourceArn"]);
      expect(source, id).toContain('{"Ref":"ApiGatewayRestApi"}');
      expect(source, id).toContain('{"Ref":"AWS::AccountId"}');
    }
  });
});
