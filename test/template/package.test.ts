import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../../scripts/bench/zip.js";
import { cfnLint, hasCfnLint, ofType, packageStage, type Template } from "../support/template.js";

const TRIGGERS = [
  "PreSignUp",
  "PostConfirmation",
  "PreAuthentication",
  "PostAuthentication",
  "CustomMessage",
  "UserMigration",
];

describe("npm run package (stage dev, no AWS credentials)", () => {
  let template: Template;
  let dir: string;

  beforeAll(async () => {
    ({ template, dir } = await packageStage("dev"));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("declares the user pool with email sign-in, its app client and the admins group", () => {
    const [[, pool] = ["", undefined]] = ofType(template, "AWS::Cognito::UserPool");
    const [[, client] = ["", undefined]] = ofType(template, "AWS::Cognito::UserPoolClient");

    expect(pool?.Properties).toMatchObject({
      UsernameAttributes: ["email"],
      UserPoolTier: "ESSENTIALS",
    });
    expect(client?.Properties).toMatchObject({
      GenerateSecret: false,
      PreventUserExistenceErrors: "ENABLED",
      ExplicitAuthFlows: expect.arrayContaining([
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
      ]) as unknown,
    });
    expect(
      ofType(template, "AWS::Cognito::UserPoolGroup").map(([, g]) => g.Properties["GroupName"]),
    ).toContain("admins");
  });

  it("wires all seven triggers, token generation as V2", () => {
    const [[, pool] = ["", undefined]] = ofType(template, "AWS::Cognito::UserPool");
    const lambdaConfig = pool?.Properties["LambdaConfig"] as Record<string, unknown>;

    for (const trigger of TRIGGERS) {
      expect(lambdaConfig[trigger], trigger).toEqual({
        "Fn::GetAtt": [`${trigger}LambdaFunction`, "Arn"],
      });
    }
    expect(lambdaConfig["PreTokenGenerationConfig"]).toEqual({
      LambdaArn: { "Fn::GetAtt": ["PreTokenGenerationLambdaFunction", "Arn"] },
      LambdaVersion: "V2_0",
    });
  });

  it("lets only this user pool invoke the triggers", () => {
    const permissions = ofType(template, "AWS::Lambda::Permission").filter(
      ([, p]) => p.Properties["Principal"] === "cognito-idp.amazonaws.com",
    );

    expect(permissions).toHaveLength(7);
    for (const [, permission] of permissions) {
      expect(permission.Properties["SourceArn"]).toEqual({ "Fn::GetAtt": ["UserPool", "Arn"] });
      expect(permission.Properties["SourceAccount"]).toEqual({ Ref: "AWS::AccountId" });
    }
  });

  it("declares the on-demand data table with PITR and encryption", () => {
    const tables = ofType(template, "AWS::DynamoDB::Table");

    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const [, table] of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
  });

  it("declares a private, encrypted, TLS-only bucket with CORS for browser uploads", () => {
    const [[, bucket] = ["", undefined]] = ofType(template, "AWS::S3::Bucket").filter(
      ([id]) => id === "FilesBucket",
    );
    const [[, policy] = ["", undefined]] = ofType(template, "AWS::S3::BucketPolicy").filter(
      ([, p]) => JSON.stringify(p.Properties["Bucket"]) === JSON.stringify({ Ref: "FilesBucket" }),
    );

    expect(bucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: expect.anything() as unknown,
      CorsConfiguration: {
        CorsRules: [
          expect.objectContaining({ AllowedMethods: expect.arrayContaining(["POST"]) as unknown }),
        ],
      },
    });
    expect(JSON.stringify(policy?.Properties)).toContain('"aws:SecureTransport":"false"');
  });

  it("guards user routes with the Cognito authorizer and its scope, admin routes with the custom one", () => {
    const methods = ofType(template, "AWS::ApiGateway::Method").filter(
      ([, m]) => m.Properties["HttpMethod"] !== "OPTIONS",
    );
    const [[authorizerId, cognito] = ["", undefined]] = ofType(
      template,
      "AWS::ApiGateway::Authorizer",
    ).filter(([, a]) => a.Properties["Type"] === "COGNITO_USER_POOLS");

    expect(cognito?.Properties["ProviderARNs"]).toEqual([{ "Fn::GetAtt": ["UserPool", "Arn"] }]);
    expect(methods.length).toBeGreaterThan(3);
    for (const [id, method] of methods) {
      const type = method.Properties["AuthorizationType"];
      if (id === "ApiGatewayMethodHealthGet") expect(type, id).toBe("NONE");
      else if (id.startsWith("ApiGatewayMethodAdmin")) expect(type, id).toBe("CUSTOM");
      else {
        expect(type, id).toBe("COGNITO_USER_POOLS");
        expect(method.Properties["AuthorizerId"], id).toEqual({ Ref: authorizerId });
        expect(method.Properties["AuthorizationScopes"], id).toEqual([
          "aws.cognito.signin.user.admin",
        ]);
      }
    }
  });

  it("caches the custom authorizer's decision and answers gateway errors as problem+json", () => {
    const custom = ofType(template, "AWS::ApiGateway::Authorizer").filter(
      ([, a]) => a.Properties["Type"] !== "COGNITO_USER_POOLS",
    );
    const responses = ofType(template, "AWS::ApiGateway::GatewayResponse").map(
      ([, r]) => r.Properties,
    );

    expect(custom).toHaveLength(1);
    expect(custom[0]?.[1].Properties["AuthorizerResultTtlInSeconds"]).toBeGreaterThan(0);
    for (const type of ["UNAUTHORIZED", "ACCESS_DENIED", "DEFAULT_4XX", "DEFAULT_5XX"]) {
      const response = responses.find((r) => r["ResponseType"] === type);
      expect(response, type).toBeDefined();
      const templates = Object.values(response?.["ResponseTemplates"] as Record<string, string>);
      expect(templates.length, type).toBeGreaterThan(0);
      for (const body of templates) expect(body, type).toMatch(/"title".*"status".*"detail"/s);
      expect(response?.["ResponseParameters"], type).toMatchObject({
        "gatewayresponse.header.Content-Type": "'application/problem+json'",
      });
    }
  });

  it("runs every function on nodejs22.x", () => {
    const functions = ofType(template, "AWS::Lambda::Function");

    expect(functions.length).toBeGreaterThanOrEqual(10);
    for (const [id, fn] of functions) expect(fn.Properties["Runtime"], id).toBe("nodejs22.x");
  });

  it("packages each function as its CommonJS bundle and source map, which Node loads", () => {
    const ours = ofType(template, "AWS::Lambda::Function").filter(
      ([, fn]) => !JSON.stringify(fn.Properties["Code"]).includes("custom-resources.zip"),
    );
    const loaded = join(dir, "loaded");
    const handlers: { id: string; file: string; name: string }[] = [];
    for (const [id, fn] of ours) {
      const handler = fn.Properties["Handler"] as string;
      const entry = handler.slice(0, handler.lastIndexOf("."));
      const key = (fn.Properties["Code"] as { S3Key: string }).S3Key;
      const files = readZip(readFileSync(join(dir, basename(key))));

      expect([...files.keys()].sort(), id).toEqual([`${entry}.cjs`, `${entry}.cjs.map`]);
      const file = join(loaded, id, `${entry}.cjs`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, files.get(`${entry}.cjs`) ?? "");
      handlers.push({ id, file, name: handler.slice(entry.length + 1) });
    }
    // One process loads every bundle as Lambda does (require) and reports each handler's type.
    const script = `console.log(JSON.stringify(${JSON.stringify(handlers)}.map(
      ({ id, file, name }) => [id, typeof require(file)[name]])))`;
    const result = spawnSync(process.execPath, ["-e", script], {
      env: { PATH: process.env["PATH"], AWS_REGION: "us-east-1" },
      encoding: "utf8",
    });

    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual(handlers.map(({ id }) => [id, "function"]));
  });

  it("exports the API URL, pool id, client id and region", () => {
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(["ServiceEndpoint", "UserPoolId", "UserPoolClientId", "Region"]),
    );
  });

  it.runIf(hasCfnLint())(
    "passes cfn-lint without errors",
    () => {
      const result = cfnLint(dir);

      expect(result.ok, result.output).toBe(true);
    },
    120_000,
  );
});
