import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cfnLint,
  DEPLOY_SETTINGS,
  itWithCfnLint,
  ofType,
  packageStage,
  type Template,
} from "../support/template.js";

/** What the `params:` block of serverless.yml sets per stage (README: "Stages"). */
const STAGES = {
  dev: {
    retain: "Delete",
    protection: false,
    logDays: 14,
    rateLimit: 20,
    burstLimit: 40,
    versioning: "Suspended",
  },
  prod: {
    retain: "Retain",
    protection: true,
    logDays: 90,
    rateLimit: 200,
    burstLimit: 400,
    versioning: "Enabled",
  },
} as const;
type Stage = keyof typeof STAGES;

const STATEFUL = ["UserPool", "DataTable", "LegacyUsersTable", "FilesBucket"];
const ACCOUNT_ROLE_FUNCTION = "CustomDashresourceDashapigwDashcwDashroleLambdaFunction";

/**
 * The template with what legitimately differs between any two packagings taken out: the stage's
 * name, artifact timestamps, the per-deploy Deployment id and the Lambda Version hashes.
 */
function normalised(template: Template, stage: string): unknown {
  const text = JSON.stringify(template)
    .replace(new RegExp(`\\b${stage}\\b`, "g"), "<stage>")
    .replace(/\d{13}-\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<timestamp>")
    .replace(/ApiGatewayDeployment\d+/g, "ApiGatewayDeployment<id>")
    .replace(/LambdaVersion\w+/g, "LambdaVersion<hash>");
  return JSON.parse(text) as unknown;
}

/** Dotted paths of every leaf that differs between `a` and `b`. */
function differences(a: unknown, b: unknown, path = ""): string[] {
  const isObject = (x: unknown): x is Record<string, unknown> =>
    typeof x === "object" && x !== null;
  if (!isObject(a) || !isObject(b) || Array.isArray(a) !== Array.isArray(b)) {
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences(a[key], b[key], path ? `${path}.${key}` : key));
}

describe("stages", () => {
  const templates = {} as Record<Stage, Template>;
  const dirs = {} as Record<Stage, string>;

  beforeAll(async () => {
    for (const stage of Object.keys(STAGES) as Stage[]) {
      ({ template: templates[stage], dir: dirs[stage] } = await packageStage(stage));
    }
  }, 600_000);

  afterAll(() => {
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  });

  describe.each(Object.keys(STAGES) as Stage[])("stage %s", (stage) => {
    const expected = STAGES[stage];
    const resource = (id: string) => templates[stage].Resources[id];

    it(`${expected.retain === "Retain" ? "retains" : "deletes"} the user pool, tables and bucket with the stack`, () => {
      for (const id of STATEFUL) {
        expect(resource(id)?.DeletionPolicy, id).toBe(expected.retain);
        expect(resource(id)?.UpdateReplacePolicy, id).toBe(expected.retain);
      }
      expect(resource("UserPool")?.Properties["DeletionProtection"]).toBe(
        expected.protection ? "ACTIVE" : "INACTIVE",
      );
      for (const [id, table] of ofType(templates[stage], "AWS::DynamoDB::Table")) {
        expect(table.Properties["DeletionProtectionEnabled"], id).toBe(expected.protection);
      }
    });

    it(`${expected.versioning === "Enabled" ? "versions" : "does not version"} the files bucket, expiring old versions`, () => {
      const bucket = resource("FilesBucket")?.Properties;

      expect(bucket?.["VersioningConfiguration"]).toEqual({ Status: expected.versioning });
      expect(JSON.stringify(bucket?.["LifecycleConfiguration"])).toContain(
        '"NoncurrentVersionExpiration":{"NoncurrentDays":30}',
      );
    });

    it(`${expected.retain === "Retain" ? "keeps" : "deletes"} every log group with the stack`, () => {
      const logGroups = ofType(templates[stage], "AWS::Logs::LogGroup");

      expect(logGroups.length).toBeGreaterThan(10);
      for (const [id, group] of logGroups) {
        expect(group.DeletionPolicy, id).toBe(expected.retain);
        expect(group.UpdateReplacePolicy, id).toBe(expected.retain);
      }
    });

    it("sends the one configured CORS origin from routes, gateway responses, handlers and bucket", () => {
      const origin = DEPLOY_SETTINGS.CORS_ORIGIN;
      const preflights = ofType(templates[stage], "AWS::ApiGateway::Method").filter(
        ([, m]) => m.Properties["HttpMethod"] === "OPTIONS",
      );
      const responses = ofType(templates[stage], "AWS::ApiGateway::GatewayResponse");
      const functions = ofType(templates[stage], "AWS::Lambda::Function").filter(
        ([id]) => id !== ACCOUNT_ROLE_FUNCTION,
      );
      const bucketCors = resource("FilesBucket")?.Properties["CorsConfiguration"];

      expect(preflights.length).toBeGreaterThan(5);
      for (const [id, method] of preflights) {
        expect(JSON.stringify(method.Properties["Integration"]), id).toContain(
          `"method.response.header.Access-Control-Allow-Origin":"'${origin}'"`,
        );
      }
      for (const [id, response] of responses) {
        expect(response.Properties["ResponseParameters"], id).toMatchObject({
          "gatewayresponse.header.Access-Control-Allow-Origin": `'${origin}'`,
        });
      }
      for (const [id, fn] of functions) {
        expect(fn.Properties["Environment"], id).toMatchObject({
          Variables: { CORS_ORIGIN: origin },
        });
      }
      expect(bucketCors).toMatchObject({ CorsRules: [{ AllowedOrigins: [origin] }] });
      expect(JSON.stringify(templates[stage])).not.toMatch(
        /Allow-Origin[^,]*'\*'|AllowedOrigins":\["\*"/,
      );
    });

    it("keeps point-in-time recovery and encryption on every table", () => {
      for (const [id, table] of ofType(templates[stage], "AWS::DynamoDB::Table")) {
        expect(table.Properties, id).toMatchObject({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
        });
      }
    });

    it("blocks public access and encrypts every bucket, the deployment bucket included", () => {
      const buckets = ofType(templates[stage], "AWS::S3::Bucket");

      expect(buckets.map(([id]) => id).sort()).toEqual([
        "FilesBucket",
        "ServerlessDeploymentBucket",
      ]);
      for (const [id, bucket] of buckets) {
        expect(bucket.Properties, id).toMatchObject({
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: { ServerSideEncryptionConfiguration: [expect.anything()] },
        });
      }
    });

    it(`keeps every function's logs and the API's access logs ${expected.logDays} days`, () => {
      const functions = ofType(templates[stage], "AWS::Lambda::Function").filter(
        ([id]) => id !== ACCOUNT_ROLE_FUNCTION,
      );
      const logGroups = ofType(templates[stage], "AWS::Logs::LogGroup");

      expect(logGroups).toHaveLength(functions.length + 1);
      for (const [id, fn] of functions) {
        const group = resource(id.replace(/LambdaFunction$/, "LogGroup"));
        expect(group?.Properties["LogGroupName"], id).toBe(
          `/aws/lambda/${fn.Properties["FunctionName"] as string}`,
        );
        expect(fn.DependsOn, id).toContain(id.replace(/LambdaFunction$/, "LogGroup"));
      }
      for (const [id, group] of logGroups) {
        expect(group.Properties["RetentionInDays"], id).toBe(expected.logDays);
      }
    });

    it("declares the API stage with a stage-wide throttle and without execution logs", () => {
      const [[, deployment] = ["", undefined]] = ofType(
        templates[stage],
        "AWS::ApiGateway::Deployment",
      );
      const stageResource = resource("ApiGatewayStage");
      const [settings] = stageResource?.Properties["MethodSettings"] as Record<string, unknown>[];

      expect(deployment?.Properties["StageName"]).toBeUndefined();
      expect(stageResource?.Properties["StageName"]).toBe(stage);
      expect(settings).toEqual({
        HttpMethod: "*",
        ResourcePath: "/*",
        ThrottlingRateLimit: expected.rateLimit,
        ThrottlingBurstLimit: expected.burstLimit,
        LoggingLevel: "OFF",
        DataTraceEnabled: false,
      });
      expect(stageResource?.DependsOn).toEqual(["CustomApiGatewayAccountCloudWatchRole"]);
    });

    it("writes one JSON access-log line per request with the caller's sub from either authorizer", () => {
      const access = resource("ApiGatewayStage")?.Properties["AccessLogSetting"] as {
        DestinationArn: { "Fn::Sub": string };
        Format: string;
      };
      const fields = JSON.parse(access.Format) as Record<string, string>;

      expect(access.DestinationArn["Fn::Sub"]).toMatch(/:log-group:\$\{ApiGatewayLogGroup\}$/);
      expect(resource("ApiGatewayLogGroup")?.Properties["LogGroupName"]).toBe(
        `/aws/api-gateway/cognito-api-${stage}`,
      );
      expect(fields).toMatchObject({
        requestId: "$context.requestId",
        status: "$context.status",
        resourcePath: "$context.resourcePath",
        sub: "$context.authorizer.claims.sub",
        authorizerSub: "$context.authorizer.sub",
      });
      for (const value of Object.values(fields)) expect(value).toMatch(/^\$context\.[\w.]+$/);
      expect(access.Format).not.toMatch(/header|token|apiKey/i);
    });

    it("exports what clients and `npm run token` need", () => {
      expect(Object.keys(templates[stage].Outputs)).toEqual(
        expect.arrayContaining([
          "ServiceEndpoint",
          "ApiUrl",
          "UserPoolId",
          "UserPoolClientId",
          "Region",
          "FilesBucketName",
        ]),
      );
    });
  });

  // The dev template is linted by package.test.ts.
  itWithCfnLint("passes cfn-lint on prod without errors", () => {
    const { ok, output } = cfnLint(dirs.prod);

    expect(ok, output).toBe(true);
  });

  it("packages prod differently from dev only in the documented ways", () => {
    const logGroups = ofType(templates.dev, "AWS::Logs::LogGroup").map(([id]) => id);
    const documented = [
      ...STATEFUL.flatMap((id) => [
        `Resources.${id}.DeletionPolicy`,
        `Resources.${id}.UpdateReplacePolicy`,
      ]),
      "Resources.UserPool.Properties.DeletionProtection",
      "Resources.DataTable.Properties.DeletionProtectionEnabled",
      "Resources.LegacyUsersTable.Properties.DeletionProtectionEnabled",
      ...logGroups.flatMap((id) => [
        `Resources.${id}.Properties.RetentionInDays`,
        `Resources.${id}.DeletionPolicy`,
        `Resources.${id}.UpdateReplacePolicy`,
      ]),
      "Resources.FilesBucket.Properties.VersioningConfiguration.Status",
      "Resources.ApiGatewayStage.Properties.MethodSettings.0.ThrottlingRateLimit",
      "Resources.ApiGatewayStage.Properties.MethodSettings.0.ThrottlingBurstLimit",
    ];

    const actual = differences(
      normalised(templates.dev, "dev"),
      normalised(templates.prod, "prod"),
    );

    expect(actual.sort()).toEqual(documented.sort());
  });
});
