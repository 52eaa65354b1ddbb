/**
 * A calibration point, never deployed: the minimal aws-jwt-verify authorizer the targets
 * were measured against (verify the access token, allow the method). The benchmark bundles and
 * cold-imports it beside the real functions, so their ratios can be read against it on any
 * machine.
 */
import { CognitoJwtVerifier } from "aws-jwt-verify";
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from "aws-lambda";

const verifier = CognitoJwtVerifier.create({
  userPoolId: "us-east-1_Reference",
  clientId: "reference",
  tokenUse: "access",
});

export const handler = async (
  event: APIGatewayTokenAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> => {
  const payload = await verifier.verify(event.authorizationToken.replace(/^Bearer /i, ""));
  return {
    principalId: payload.sub,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }],
    },
  };
};
