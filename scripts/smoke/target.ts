/**
 * Where `npm run smoke` runs: the local stack (from its stack file) or a deployed stage (from
 * its CloudFormation outputs, with the caller's AWS credentials).
 */
import { readFileSync } from "node:fs";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { stackOutputs } from "../stack-outputs.js";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { StackInfo } from "../local/stack-info.js";
import { serviceName } from "../token/deployed.js";

/** An error whose message is meant for the person running the smoke test. */
export class SmokeSetupError extends Error {
  override name = "SmokeSetupError";
}

export interface SmokeTarget {
  stage: string;
  apiUrl: string;
  /** Cognito, with the caller's credentials (admin calls are SigV4-signed, locally too). */
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  clientId: string;
  /** The domain of the throwaway user's email: one the stage's PreSignUp allows. */
  emailDomain: string;
  /** The data table, for removing the test user's profile if DELETE /me is not available. */
  documents: DynamoDBDocumentClient;
  tableName: string;
  close(): void;
}

/** The running local stack described by `stackFile` (`.local/stack.json` of `npm start`). */
export function localTarget(stackFile: string): SmokeTarget {
  let info: StackInfo;
  try {
    info = JSON.parse(readFileSync(stackFile, "utf8")) as StackInfo;
  } catch {
    throw new SmokeSetupError(
      `The local stack is not running (no ${stackFile}): start it with \`npm start\` first.`,
    );
  }
  const credentials = { accessKeyId: "local", secretAccessKey: "local" };
  const cognito = new CognitoIdentityProviderClient({
    region: info.region,
    endpoint: info.cognito.endpoint,
    credentials,
  });
  const dynamodb = new DynamoDBClient({
    region: info.region,
    endpoint: info.dynamodb.endpoint,
    credentials,
  });
  const [emailDomain] = info.allowedEmailDomains;
  if (emailDomain === undefined)
    throw new SmokeSetupError("The local stack allows no email domain.");
  return {
    stage: info.stage,
    apiUrl: info.apiUrl,
    cognito,
    userPoolId: info.cognito.userPoolId,
    clientId: info.cognito.userPoolClientId,
    emailDomain,
    documents: DynamoDBDocumentClient.from(dynamodb),
    tableName: info.dynamodb.tables.data,
    close: () => {
      cognito.destroy();
      dynamodb.destroy();
    },
  };
}

/** A deployed stage: its stack's outputs, read with the caller's credentials. */
export async function deployedTarget(
  stage: string,
  region: string,
  emailDomain: string | undefined,
): Promise<SmokeTarget> {
  if (emailDomain === undefined || emailDomain === "") {
    throw new SmokeSetupError(
      `Which email domain may sign up on ${stage}? Pass --domain <domain> or set ALLOWED_EMAIL_DOMAINS as for the deploy.`,
    );
  }
  const service = serviceName();
  const stackName = `${service}-${stage}`;
  const cloudFormation = new CloudFormationClient({ region });
  let outputs: Record<string, string>;
  try {
    outputs = await stackOutputs(cloudFormation, stackName);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new SmokeSetupError(
      `Could not read stack ${stackName} in ${region} (${message}). Deploy it first, check your AWS credentials, or pass --region.`,
    );
  } finally {
    cloudFormation.destroy();
  }
  const { ApiUrl: apiUrl, UserPoolId: userPoolId, UserPoolClientId: clientId } = outputs;
  if (!apiUrl || !userPoolId || !clientId) {
    throw new SmokeSetupError(
      `Stack ${stackName} has no ApiUrl/UserPoolId/UserPoolClientId outputs.`,
    );
  }
  const stackRegion = outputs["Region"] ?? region;
  const cognito = new CognitoIdentityProviderClient({ region: stackRegion });
  const dynamodb = new DynamoDBClient({ region: stackRegion });
  return {
    stage,
    apiUrl,
    cognito,
    userPoolId,
    clientId,
    emailDomain,
    documents: DynamoDBDocumentClient.from(dynamodb),
    tableName: `${service}-${stage}-data`,
    close: () => {
      cognito.destroy();
      dynamodb.destroy();
    },
  };
}
