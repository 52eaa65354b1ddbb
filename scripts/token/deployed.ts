/** A deployed stage for `npm run token`: the pool and client come from the stack's outputs. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { TokenScriptError, type Target } from "./sign-in.js";

/** The service name from serverless.yml (stacks are named `<service>-<stage>`). */
export function serviceName(file = resolve(import.meta.dirname, "../../serverless.yml")): string {
  const match = /^service:\s*([\w-]+)/m.exec(readFileSync(file, "utf8"));
  if (!match?.[1]) throw new TokenScriptError("serverless.yml has no `service:` name.");
  return match[1];
}

export async function deployedTarget(
  stage: string,
  region = process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"] ?? "us-east-1",
  cloudFormation = new CloudFormationClient({ region }),
): Promise<Target> {
  const stackName = `${serviceName()}-${stage}`;
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cloudFormation.send(
      new DescribeStacksCommand({ StackName: stackName }),
    );
    outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""]),
    );
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    const message = error instanceof Error ? error.message : "";
    if (name === "CredentialsProviderError" || /credential/i.test(message)) {
      throw new TokenScriptError(
        "No AWS credentials found. Configure them (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and retry.",
      );
    }
    if (/does not exist/.test(message)) {
      throw new TokenScriptError(
        `Stack ${stackName} was not found in ${region}. Deploy it first: npm run deploy -- --stage ${stage}`,
      );
    }
    throw error;
  }
  const userPoolId = outputs["UserPoolId"];
  const clientId = outputs["UserPoolClientId"];
  if (!userPoolId || !clientId) {
    throw new TokenScriptError(`Stack ${stackName} has no UserPoolId/UserPoolClientId outputs.`);
  }
  return {
    client: new CognitoIdentityProviderClient({ region: outputs["Region"] ?? region }),
    userPoolId,
    clientId,
    adminConfirm: false,
  };
}
