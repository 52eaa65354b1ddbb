/** A deployed stage for `npm run token`: the pool and client come from the stack's outputs. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { stackOutputs } from "../stack-outputs.js";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { identityPool } from "./aws-credentials.js";
import { TokenScriptError, type Target } from "./sign-in.js";

/** The service name from serverless.yml (stacks are named `<service>-<stage>`). */
export function serviceName(file = resolve(import.meta.dirname, "../../serverless.yml")): string {
  const match = /^service:\s*([\w-]+)/m.exec(readFileSync(file, "utf8"));
  if (!match?.[1]) throw new TokenScriptError("serverless.yml has no `service:` name.");
  return match[1];
}

const CREDENTIALS_HELP =
  "Configure them (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and retry.";

/** Turns a DescribeStacks failure into a message that says what to do next. */
function describeFailure(error: unknown, stackName: string, stage: string, region: string) {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : "";
  if (name === "CredentialsProviderError" || /could not load credentials/i.test(message)) {
    return new TokenScriptError(`No AWS credentials found. ${CREDENTIALS_HELP}`);
  }
  if (/^(ExpiredToken|ExpiredTokenException|InvalidClientTokenId|UnrecognizedClient)/.test(name)) {
    return new TokenScriptError(`Your AWS credentials were refused (${name}). ${CREDENTIALS_HELP}`);
  }
  if (/^AccessDenied/.test(name)) {
    return new TokenScriptError(
      `Your AWS credentials may not read stack ${stackName} (cloudformation:DescribeStacks is needed).`,
    );
  }
  if (/does not exist/.test(message)) {
    return new TokenScriptError(
      `Stack ${stackName} was not found in ${region}. Deploy it first (npm run deploy -- --stage ${stage}), or pass --region.`,
    );
  }
  return error;
}

export async function deployedTarget(
  stage: string,
  region = process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"] ?? "us-east-1",
  cloudFormation = new CloudFormationClient({ region }),
): Promise<Target> {
  const stackName = `${serviceName()}-${stage}`;
  let outputs: Record<string, string>;
  try {
    outputs = await stackOutputs(cloudFormation, stackName);
  } catch (error) {
    throw describeFailure(error, stackName, stage, region);
  }
  const userPoolId = outputs["UserPoolId"];
  const clientId = outputs["UserPoolClientId"];
  if (!userPoolId || !clientId) {
    throw new TokenScriptError(`Stack ${stackName} has no UserPoolId/UserPoolClientId outputs.`);
  }
  const stackRegion = outputs["Region"] ?? region;
  const identityPoolId = outputs["IdentityPoolId"];
  return {
    client: new CognitoIdentityProviderClient({ region: stackRegion }),
    userPoolId,
    clientId,
    adminConfirm: false,
    ...(identityPoolId
      ? { identityPool: identityPool(stackRegion, identityPoolId, userPoolId) }
      : {}),
  };
}
