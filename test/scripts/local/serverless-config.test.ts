import { describe, expect, it } from "vitest";
import {
  allowedEmailDomains,
  triggerFunctions,
  type PrintedConfig,
} from "../../../scripts/local/serverless-config.js";

function config(lambdaConfig: unknown, allowed?: string): PrintedConfig {
  return {
    custom: {
      tableName: "data",
      legacyUsersTableName: "legacy",
      apiStage: { throttle: { rateLimit: 10, burstLimit: 20 } },
    },
    params: {
      local: {
        bucketName: "files",
        ...(allowed === undefined ? {} : { allowedEmailDomains: allowed }),
      },
      default: { allowedEmailDomains: "example.com" },
    },
    functions: {
      preSignUp: { name: "svc-local-preSignUp" },
      preTokenGeneration: { name: "svc-local-preTokenGeneration" },
    },
    resources: {
      Resources: {
        UserPool: { Type: "AWS::Cognito::UserPool", Properties: { LambdaConfig: lambdaConfig } },
      },
    },
  };
}

describe("serverless-config", () => {
  it("maps the pool's LambdaConfig to offline function names, the V2 token trigger included", () => {
    const printed = config({
      PreSignUp: { "Fn::GetAtt": ["PreSignUpLambdaFunction", "Arn"] },
      PreTokenGenerationConfig: {
        LambdaArn: { "Fn::GetAtt": ["PreTokenGenerationLambdaFunction", "Arn"] },
        LambdaVersion: "V2_0",
      },
      PostConfirmation: { "Fn::GetAtt": ["UnknownLambdaFunction", "Arn"] },
    });

    const triggers = triggerFunctions(printed);

    expect(triggers).toEqual({
      PreSignUp: "svc-local-preSignUp",
      PreTokenGeneration: "svc-local-preTokenGeneration",
    });
  });

  it("gives no triggers for a pool without LambdaConfig", () => {
    expect(triggerFunctions(config(undefined))).toEqual({});
  });

  it("reads the local stage's allowed domains, else the default, trimmed and lower-cased", () => {
    expect(allowedEmailDomains(config({}, " Example.ORG , ,test.dev"))).toEqual([
      "example.org",
      "test.dev",
    ]);
    expect(allowedEmailDomains(config({}))).toEqual(["example.com"]);
  });
});
