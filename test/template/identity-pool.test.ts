/**
 * The identity pool's authenticated role, proved with an IAM policy simulator
 * (@cloud-copilot/iam-simulate) over the policies of the packaged dev template: a signed-in user
 * reads only their own files prefix and queries only their own partition, writes nothing, and only
 * authenticated identities of this pool may assume the role.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  decide as simulate,
  resolveReferences,
  type Context,
  type PolicyDocument,
} from "../support/iam-simulation.js";
import { packageStage, type Template } from "../support/template.js";

const BUCKET_ARN = "arn:aws:s3:::files-bucket";
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/data`;
const OTHER_TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/legacy-users`;
const POOL_ID = "us-east-1:11111111-2222-3333-4444-555555555555";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/identity-pool-authenticated`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/identity-pool-authenticated/CognitoIdentityCredentials`;
const ME = "0b5c1f3e-1111-4a6b-9d2e-aaaaaaaaaaaa";
const OTHER = "7e2d9a41-2222-4c8f-8b1d-bbbbbbbbbbbb";

/** Concrete values for the template references the role's policies use. */
const REFERENCES: Record<string, string> = {
  "FilesBucket.Arn": BUCKET_ARN,
  "DataTable.Arn": TABLE_ARN,
  IdentityPool: POOL_ID,
};

const resolve = (value: unknown) => resolveReferences(value, REFERENCES);

const decide = (
  action: string,
  resource: string,
  context: Context,
  policies: { identity?: PolicyDocument; trust?: PolicyDocument },
  principal = SESSION,
) => simulate(action, resource, context, policies, principal);

describe("identity pool in the packaged template (stage dev)", () => {
  let template: Template;
  let dir: string;
  let permissions: PolicyDocument;
  let trust: PolicyDocument;

  beforeAll(async () => {
    ({ template, dir } = await packageStage("dev"));
    const role = template.Resources["IdentityPoolAuthenticatedRole"];
    const policies = role?.Properties["Policies"] as { PolicyDocument: unknown }[] | undefined;
    expect(policies).toHaveLength(1);
    permissions = resolve(policies?.[0]?.PolicyDocument) as PolicyDocument;
    trust = resolve(role?.Properties["AssumeRolePolicyDocument"]) as PolicyDocument;
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What the role allows a session tagged with `sub` (the user pool sub of its token). */
  const asUser = (sub: string, action: string, resource: string, context: Context = {}) =>
    decide(
      action,
      resource,
      { "aws:PrincipalTag/sub": sub, ...context },
      { identity: permissions },
    );

  it("trusts the user pool's app client, without unauthenticated identities", () => {
    const pool = template.Resources["IdentityPool"]?.Properties;
    const provider = { "Fn::GetAtt": ["UserPool", "ProviderName"] };

    expect(pool?.["AllowUnauthenticatedIdentities"]).toBe(false);
    expect(pool?.["AllowClassicFlow"]).toBe(false);
    expect(pool?.["CognitoIdentityProviders"]).toEqual([
      { ProviderName: provider, ClientId: { Ref: "UserPoolClient" }, ServerSideTokenCheck: true },
    ]);
    expect(template.Resources["IdentityPoolRoles"]?.Properties).toEqual({
      IdentityPoolId: { Ref: "IdentityPool" },
      Roles: { authenticated: { "Fn::GetAtt": ["IdentityPoolAuthenticatedRole", "Arn"] } },
    });
    // npm run token -- --aws reads the pool from the stack's outputs.
    expect(template.Outputs["IdentityPoolId"]).toEqual({ Value: { Ref: "IdentityPool" } });
    expect(template.Resources["IdentityPoolPrincipalTags"]?.Properties).toEqual({
      IdentityPoolId: { Ref: "IdentityPool" },
      IdentityProviderName: provider,
      UseDefaults: false,
      PrincipalTags: { sub: "sub" },
    });
  });

  it("lets Cognito tag the session in the same statement, under the same conditions", () => {
    // The simulator does not pass the cognito-identity keys to sts:TagSession, so this is read from
    // the trust policy: one statement allows both actions.
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]?.["Action"]).toEqual([
      "sts:AssumeRoleWithWebIdentity",
      "sts:TagSession",
    ]);
  });

  it("lets only authenticated identities of this pool assume the role", async () => {
    const assume = (action: string, aud: string, amr: string[]) =>
      decide(
        action,
        ROLE_ARN,
        { "cognito-identity.amazonaws.com:aud": aud, "cognito-identity.amazonaws.com:amr": amr },
        { trust },
        "cognito-identity.amazonaws.com",
      );
    const signedIn = ["authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"];

    expect(await assume("sts:AssumeRoleWithWebIdentity", POOL_ID, signedIn)).toBe("Allowed");
    expect(await assume("sts:AssumeRoleWithWebIdentity", POOL_ID, ["unauthenticated"])).not.toBe(
      "Allowed",
    );
    expect(
      await assume("sts:AssumeRoleWithWebIdentity", "us-east-1:another-pool", signedIn),
    ).not.toBe("Allowed");
  });

  it("lets a user read and list their own files prefix", async () => {
    expect(await asUser(ME, "s3:GetObject", `${BUCKET_ARN}/users/${ME}/f1`)).toBe("Allowed");
    expect(await asUser(ME, "s3:ListBucket", BUCKET_ARN, { "s3:prefix": `users/${ME}/` })).toBe(
      "Allowed",
    );
  });

  it("denies another user's files, and listing outside one's prefix", async () => {
    expect(await asUser(ME, "s3:GetObject", `${BUCKET_ARN}/users/${OTHER}/f1`)).not.toBe("Allowed");
    for (const prefix of [`users/${OTHER}/`, "users/", ""])
      expect(
        await asUser(ME, "s3:ListBucket", BUCKET_ARN, { "s3:prefix": prefix }),
        prefix,
      ).not.toBe("Allowed");
    expect(await asUser(ME, "s3:ListBucket", BUCKET_ARN)).not.toBe("Allowed");
  });

  it("lets a user get and query their own partition only", async () => {
    for (const action of ["dynamodb:GetItem", "dynamodb:Query"]) {
      expect(
        await asUser(ME, action, TABLE_ARN, { "dynamodb:LeadingKeys": [`USER#${ME}`] }),
        action,
      ).toBe("Allowed");
      expect(
        await asUser(ME, action, TABLE_ARN, { "dynamodb:LeadingKeys": [`USER#${OTHER}`] }),
        action,
      ).not.toBe("Allowed");
    }
    expect(
      await asUser(ME, "dynamodb:Query", `${TABLE_ARN}/index/gsi1`, {
        "dynamodb:LeadingKeys": ["PROFILES"],
      }),
    ).not.toBe("Allowed");
    expect(
      await asUser(ME, "dynamodb:GetItem", OTHER_TABLE_ARN, {
        "dynamodb:LeadingKeys": [`USER#${ME}`],
      }),
    ).not.toBe("Allowed");
    expect(await asUser(ME, "dynamodb:Scan", TABLE_ARN)).not.toBe("Allowed");
  });

  it("denies writes, even to the user's own prefix and partition", async () => {
    for (const action of ["s3:PutObject", "s3:DeleteObject"])
      expect(await asUser(ME, action, `${BUCKET_ARN}/users/${ME}/f1`), action).not.toBe("Allowed");
    for (const action of [
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:BatchWriteItem",
    ])
      expect(
        await asUser(ME, action, TABLE_ARN, { "dynamodb:LeadingKeys": [`USER#${ME}`] }),
        action,
      ).not.toBe("Allowed");
  });

  it("grants nothing to a session without the sub tag", async () => {
    expect(
      await decide("s3:GetObject", `${BUCKET_ARN}/users//f1`, {}, { identity: permissions }),
    ).not.toBe("Allowed");
  });
});
