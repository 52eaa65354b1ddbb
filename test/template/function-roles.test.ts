/**
 * Every function's role, decided by an IAM policy simulator (@cloud-copilot/iam-simulate) over
 * the policies of the packaged dev template: each declared grant of sls/functions.ts is allowed
 * on its resource, and every other data action the project uses anywhere is denied on that
 * resource and on its neighbours (another table, another index, another bucket, another prefix,
 * another user pool). test/template/iam.test.ts reads the same roles as text; this one asks IAM.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  grantOf,
  grantResources,
  logicalName,
  type ConditionalGrant,
  type Grant,
  type GrantResource,
} from "../../sls/declaration.js";
import { functions } from "../../sls/functions.js";
import {
  ACCOUNT,
  decide,
  resolveReferences,
  type Context,
  type PolicyDocument,
} from "../support/iam-simulation.js";
import { packageStage, type Template } from "../support/template.js";

const REGION = "us-east-1";
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/data`;
const BUCKET = "arn:aws:s3:::files-bucket";
const SUB = "0b5c1f3e-1111-4a6b-9d2e-aaaaaaaaaaaa";

/** The concrete ARN of each resource a grant may name (the template's logical ids). */
const BASES: Record<string, string> = {
  DataTable: TABLE,
  LegacyUsersTable: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/legacy-users`,
  FilesBucket: BUCKET,
  UserPool: `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_pool`,
};

/** A resource of the kind `resource` names: `FilesBucket/users/*` is an object under users/. */
function probeOf(resource: GrantResource): string {
  const [base = "", ...rest] = resource.split("/");
  const arn = BASES[base];
  if (arn === undefined) throw new Error(`no ARN for ${base}: add it to BASES`);
  return [arn, ...rest].join("/").replace("*", `${SUB}/probe`);
}

/** Neighbours no function is granted anything on. */
const OUTSIDERS = [
  `${TABLE}/index/another`,
  `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/another`,
  `${BUCKET}/elsewhere/${SUB}/probe`,
  "arn:aws:s3:::another-bucket",
  `arn:aws:s3:::another-bucket/users/${SUB}/probe`,
  `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_another`,
];

/** Every data action some function is granted, and a few that none may ever have. */
const ACTIONS = [
  ...new Set([
    ...Object.values(functions).flatMap((fn) =>
      fn.grants.map((grant) => grantOf(grant).split(" ")[0] ?? ""),
    ),
    "dynamodb:Scan",
    "dynamodb:DeleteTable",
    "s3:GetObject",
    "s3:PutBucketPolicy",
    "cognito-idp:AdminSetUserPassword",
    "cognito-idp:AdminAddUserToGroup",
  ]),
];

const service = (arnOrAction: string) =>
  arnOrAction.startsWith("arn:") ? arnOrAction.split(":")[2] : arnOrAction.split(":")[0];

/** The condition context that satisfies a conditional grant, and one that must not. */
function prefixContexts(grant: ConditionalGrant): { inside: Context; outside: Context } {
  const patterns = (grant.condition["StringLike"] as Record<string, unknown> | undefined)?.[
    "s3:prefix"
  ];
  if (!Array.isArray(patterns) || typeof patterns[0] !== "string") {
    throw new Error(`${grant.grant}: only StringLike s3:prefix conditions are simulated here`);
  }
  return {
    inside: { "s3:prefix": patterns[0].replace("*", `${SUB}/`) },
    outside: { "s3:prefix": "elsewhere/" },
  };
}

describe("every function role, asked of an IAM simulator (stage dev)", () => {
  let template: Template;
  let dir: string;

  beforeAll(async () => {
    ({ template, dir } = await packageStage("dev"));
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The function's role policy with every reference made concrete. */
  function policyOf(name: string): PolicyDocument {
    const fn = template.Resources[`${logicalName(name)}LambdaFunction`];
    const role = fn?.Properties["Role"];
    const roleId =
      typeof role === "object" &&
      role !== null &&
      "Fn::GetAtt" in role &&
      Array.isArray(role["Fn::GetAtt"])
        ? String(role["Fn::GetAtt"][0])
        : "";
    const policies = template.Resources[roleId]?.Properties["Policies"];
    if (!Array.isArray(policies) || policies.length !== 1) throw new Error(`${name}: one policy`);
    const references = {
      ...Object.fromEntries(Object.entries(BASES).map(([id, arn]) => [`${id}.Arn`, arn])),
      [`${logicalName(name)}LogGroup.Arn`]: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${name}:*`,
    };
    return resolveReferences(
      (policies[0] as { PolicyDocument: unknown }).PolicyDocument,
      references,
    ) as PolicyDocument;
  }

  const session = (name: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${name}-role/${name}`;

  it.each(Object.keys(functions))(
    "%s: allowed exactly its declared grants, denied the rest and every neighbour",
    async (name) => {
      const declared: readonly (Grant | ConditionalGrant)[] =
        functions[name as keyof typeof functions].grants;
      const identity = policyOf(name);
      const plain = new Set(declared.filter((g): g is Grant => typeof g === "string"));
      const ask = (action: string, resource: string, context: Context = {}) =>
        decide(action, resource, context, { identity }, session(name));

      const probes = [
        ...grantResources.map((resource) => ({ resource, arn: probeOf(resource) })),
        ...OUTSIDERS.map((arn) => ({ resource: undefined, arn })),
      ];
      const decisions = await Promise.all(
        probes.flatMap(({ resource, arn }) =>
          ACTIONS.filter((action) => service(action) === service(arn)).map(async (action) => ({
            probe: `${action} ${resource ?? arn}`,
            allowed: (await ask(action, arn)) === "Allowed",
            expected: resource !== undefined && plain.has(`${action} ${resource}` as Grant),
          })),
        ),
      );
      for (const { probe, allowed, expected } of decisions) expect(allowed, probe).toBe(expected);

      for (const grant of declared.filter((g): g is ConditionalGrant => typeof g !== "string")) {
        const [action = "", named = ""] = grant.grant.split(" ");
        const resource = grantResources.find((known) => known === named);
        if (resource === undefined) throw new Error(`unknown resource in ${grant.grant}`);
        const arn = probeOf(resource);
        const { inside, outside } = prefixContexts(grant);
        expect(await ask(action, arn, inside), `${grant.grant} inside`).toBe("Allowed");
        expect(await ask(action, arn, outside), `${grant.grant} outside`).not.toBe("Allowed");
      }
    },
    60_000,
  );
});
