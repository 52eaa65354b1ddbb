import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../../scripts/bench/zip.js";
import {
  gatewayResponses,
  renderGatewayResponse,
  type ResponseType,
} from "../../scripts/local/gateway.js";
import { SDK_WORST_CASE_MS } from "../../shared/runtime/aws.js";
import {
  cfnLint,
  DEPLOY_SETTINGS,
  itWithCfnLint,
  ofType,
  packageStage,
  type Template,
} from "../support/template.js";

/** Every gateway-response type API Gateway can answer with. */
const RESPONSE_TYPES: ResponseType[] = [
  "ACCESS_DENIED",
  "API_CONFIGURATION_ERROR",
  "AUTHORIZER_CONFIGURATION_ERROR",
  "AUTHORIZER_FAILURE",
  "BAD_REQUEST_PARAMETERS",
  "BAD_REQUEST_BODY",
  "DEFAULT_4XX",
  "DEFAULT_5XX",
  "EXPIRED_TOKEN",
  "INTEGRATION_FAILURE",
  "INTEGRATION_TIMEOUT",
  "INVALID_API_KEY",
  "INVALID_SIGNATURE",
  "MISSING_AUTHENTICATION_TOKEN",
  "QUOTA_EXCEEDED",
  "REQUEST_TOO_LARGE",
  "RESOURCE_NOT_FOUND",
  "THROTTLED",
  "UNAUTHORIZED",
  "UNSUPPORTED_MEDIA_TYPE",
  "WAF_FILTERED",
];

const TRIGGERS = [
  "PreSignUp",
  "PostConfirmation",
  "PreAuthentication",
  "PostAuthentication",
  "CustomMessage",
  "UserMigration",
];

/** Node's credential chain, but for the environment provider, and the packages it pulls in. */
const OTHER_PROVIDERS =
  /^(@aws-sdk\/credential-provider-(?!env$).+|@aws-sdk\/credential-providers|@smithy\/credential-provider-imds|@aws-sdk\/token-providers|@smithy\/shared-ini-file-loader)$/;

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

  it("offers TOTP MFA, optional for users, and remembers no device that could skip it", () => {
    const [[, pool] = ["", undefined]] = ofType(template, "AWS::Cognito::UserPool");

    expect(pool?.Properties).toMatchObject({
      MfaConfiguration: "OPTIONAL",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
    });
    expect(pool?.Properties["DeviceConfiguration"]).toBeUndefined();
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

  it("caches the custom authorizer's decision", () => {
    const custom = ofType(template, "AWS::ApiGateway::Authorizer").filter(
      ([, a]) => a.Properties["Type"] !== "COGNITO_USER_POOLS",
    );

    expect(custom).toHaveLength(1);
    expect(custom[0]?.[1].Properties["AuthorizerResultTtlInSeconds"]).toBeGreaterThan(0);
  });

  it("has gateway-response templates with no VTL, as API Gateway runs none there", () => {
    const templates = ofType(template, "AWS::ApiGateway::GatewayResponse").flatMap(([id, r]) =>
      Object.values(r.Properties["ResponseTemplates"] as Record<string, string>).map(
        (body) => [id, body] as const,
      ),
    );

    expect(templates.length).toBeGreaterThanOrEqual(4);
    for (const [id, body] of templates) {
      expect(body, id).not.toMatch(/#(set|if|elseif|else|end|foreach)\b|\$util\.|\$input\./);
    }
  });

  it.each(RESPONSE_TYPES)(
    "answers API Gateway's own %s as problem+json whose status is the one sent",
    (type) => {
      const responses = gatewayResponses(template.Resources);

      const rendered = renderGatewayResponse(responses, type, {
        requestId: "c0ffee00-0000-4000-8000-000000000000",
        stage: "dev",
        httpMethod: "GET",
        path: "/dev/nowhere",
        headers: {},
        sourceIp: "203.0.113.7",
      });
      const body = JSON.parse(rendered.body) as Record<string, unknown>;

      expect(rendered.headers).toMatchObject({
        "Content-Type": "application/problem+json",
        "Access-Control-Allow-Origin": DEPLOY_SETTINGS.CORS_ORIGIN,
      });
      expect(body).toMatchObject({ type: "about:blank", status: rendered.status });
      expect(typeof body["title"]).toBe("string");
      expect(typeof body["detail"]).toBe("string");
      expect(rendered.status).toBeGreaterThanOrEqual(type.endsWith("5XX") ? 500 : 400);
    },
  );

  it("answers an unknown route with 404, throttling with 429 and a timeout with 504", () => {
    const statuses = Object.fromEntries(
      ofType(template, "AWS::ApiGateway::GatewayResponse").map(
        ([, r]) => [String(r.Properties["ResponseType"]), r.Properties["StatusCode"]] as const,
      ),
    );

    expect(statuses).toMatchObject({
      MISSING_AUTHENTICATION_TOKEN: "404",
      REQUEST_TOO_LARGE: "413",
      UNSUPPORTED_MEDIA_TYPE: "415",
      THROTTLED: "429",
      INTEGRATION_TIMEOUT: "504",
      DEFAULT_4XX: "400",
      DEFAULT_5XX: "500",
    });
  });

  it("deploys the API only after every gateway response is updated", () => {
    const [[, deployment] = ["", undefined]] = ofType(template, "AWS::ApiGateway::Deployment");
    const responses = ofType(template, "AWS::ApiGateway::GatewayResponse").map(([id]) => id);

    expect(responses.length).toBeGreaterThan(0);
    expect(deployment?.DependsOn).toEqual(expect.arrayContaining(responses));
  });

  it("serves a regional endpoint and keeps no function versions", () => {
    expect(template.Resources["ApiGatewayRestApi"]?.Properties["EndpointConfiguration"]).toEqual({
      Types: ["REGIONAL"],
    });
    expect(ofType(template, "AWS::Lambda::Version")).toEqual([]);
  });

  it("ends every trigger before Cognito's 5 s, with SDK calls that give up inside it", () => {
    const [[, pool] = ["", undefined]] = ofType(template, "AWS::Cognito::UserPool");
    const triggers = JSON.stringify(pool?.Properties["LambdaConfig"]).match(/\w+LambdaFunction/g);

    expect(triggers).toHaveLength(7);
    for (const id of triggers ?? []) {
      const timeout = template.Resources[id]?.Properties["Timeout"];
      expect(timeout, id).toBeLessThanOrEqual(4);
      expect(SDK_WORST_CASE_MS, id).toBeLessThan(Number(timeout) * 1000);
    }
  });

  it("sends Cognito's emails with its own sender unless the stage names an SES identity", () => {
    const [[, pool] = ["", undefined]] = ofType(template, "AWS::Cognito::UserPool");

    expect(template.Conditions?.["SendEmailWithSes"]).toEqual({
      "Fn::Not": [{ "Fn::Equals": ["", ""] }],
    });
    expect(pool?.Properties["EmailConfiguration"]).toEqual({
      "Fn::If": [
        "SendEmailWithSes",
        expect.objectContaining({ EmailSendingAccount: "DEVELOPER" }),
        { EmailSendingAccount: "COGNITO_DEFAULT" },
      ],
    });
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
      // Debuggers and `node --enable-source-maps` find the map through this comment.
      expect(files.get(`${entry}.cjs`)?.toString("utf8").trimEnd(), id).toMatch(
        new RegExp(`\\n//# sourceMappingURL=${basename(entry)}\\.cjs\\.map$`),
      );
      for (const [name, content] of files) {
        if (name.endsWith(".map")) mkdirSync(join(loaded, id, dirname(name)), { recursive: true });
        if (name.endsWith(".map")) writeFileSync(join(loaded, id, name), content);
      }
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

  it("logs a thrown error's stack with the TypeScript file and line, without a start-up cost", () => {
    const fn = template.Resources["PreSignUpLambdaFunction"];
    const handler = fn?.Properties["Handler"] as string;
    const { Variables } = fn?.Properties["Environment"] as { Variables: Record<string, string> };
    const entry = handler.slice(0, handler.lastIndexOf("."));
    const file = join(dir, "loaded", "PreSignUpLambdaFunction", `${entry}.cjs`);
    // An event without attributes makes the sign-up check throw; trigger() logs the error.
    const event = { triggerSource: "PreSignUp_SignUp", request: {}, response: {} };
    const script = `Promise.resolve()
      .then(() => require(${JSON.stringify(file)}).handler(${JSON.stringify(event)}, {}))
      .then(() => console.log("no error"), () => undefined)`;

    const result = spawnSync(process.execPath, ["-e", script], {
      env: { PATH: process.env["PATH"], AWS_REGION: "us-east-1", ...Variables },
      encoding: "utf8",
    });
    const logged = result.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: string; error?: { stack?: string } });
    const stack = logged.find((line) => line.level === "error")?.error?.stack ?? "";

    // Node maps no stack by itself (no --enable-source-maps: it would read every map at load).
    expect(Variables["NODE_OPTIONS"] ?? "").not.toContain("--enable-source-maps");
    expect(stack, result.stdout).toMatch(/\((triggers|shared)\/[\w/-]+\.ts:\d+:\d+\)/);
    expect(stack).not.toMatch(/\.cjs:\d+:\d+/);
  });

  it("bundles environment credentials only: no other provider of Node's chain", () => {
    const ours = ofType(template, "AWS::Lambda::Function").filter(
      ([, fn]) => !JSON.stringify(fn.Properties["Code"]).includes("custom-resources.zip"),
    );
    let withSdk = 0;
    for (const [id, fn] of ours) {
      const handler = fn.Properties["Handler"] as string;
      const entry = handler.slice(0, handler.lastIndexOf("."));
      const key = (fn.Properties["Code"] as { S3Key: string }).S3Key;
      const map = readZip(readFileSync(join(dir, basename(key)))).get(`${entry}.cjs.map`);
      const { sources } = JSON.parse(map?.toString("utf8") ?? "{}") as { sources: string[] };
      const packages = new Set(
        sources.map((source) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(source)?.[1]),
      );

      expect(
        [...packages].filter((name) => name !== undefined && OTHER_PROVIDERS.test(name)),
        id,
      ).toEqual([]);
      if ([...packages].some((name) => name?.startsWith("@aws-sdk/client-"))) {
        withSdk++;
        expect(packages, id).toContain("@aws-sdk/credential-provider-env");
      }
    }
    expect(withSdk).toBeGreaterThan(10);
  });

  it("deploys no test-only or local-only code: every bundle's sources are production modules", () => {
    const ours = ofType(template, "AWS::Lambda::Function").filter(
      ([, fn]) => !JSON.stringify(fn.Properties["Code"]).includes("custom-resources.zip"),
    );
    const ownSources: Record<string, string[]> = {};
    for (const [id, fn] of ours) {
      const handler = fn.Properties["Handler"] as string;
      const entry = handler.slice(0, handler.lastIndexOf("."));
      const key = (fn.Properties["Code"] as { S3Key: string }).S3Key;
      const map = readZip(readFileSync(join(dir, basename(key)))).get(`${entry}.cjs.map`) ?? "{}";
      const { sources = [] } = JSON.parse(map.toString()) as { sources?: string[] };
      ownSources[id] = sources
        .filter((source) => !source.includes("node_modules/"))
        .map((source) => source.replace(/^(\.\.\/)+/, ""));

      expect(ownSources[id], id).toContain(`${entry}.ts`);
    }

    const all = Object.values(ownSources).flat();
    expect(all).toContain("shared/http/api.ts");
    expect(all).toContain("shared/auth/access-token.ts");
    for (const [id, sources] of Object.entries(ownSources)) {
      for (const source of sources) {
        expect(source, id).toMatch(/^(functions|triggers|shared)\//);
      }
    }
  });

  it("exports the API URL, pool id, client id and region", () => {
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(["ServiceEndpoint", "UserPoolId", "UserPoolClientId", "Region"]),
    );
  });

  itWithCfnLint("passes cfn-lint without errors", () => {
    const result = cfnLint(dir);

    expect(result.ok, result.output).toBe(true);
  });
});
