/**
 * The common step of our Lambda authorizers (REQUEST type): the bearer token of the request's
 * Authorization header, verified, then a decision. Any failure — no or malformed header, a token
 * that does not verify, even an unexpected error — throws exactly `Unauthorized`, which API Gateway
 * (and serverless-offline) answer with 401. The reason is logged; the token never is.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { bearerFromHeaders } from "./bearer.js";
import { logger } from "../runtime/logger.js";
import { countMetric } from "../runtime/metrics.js";
import type { AccessClaims } from "./access-token.js";

export type Verify = (token: string) => Promise<AccessClaims>;

/** Turns verified claims into the policy for the API of `methodArn`. */
export type Decide = (claims: AccessClaims, methodArn: string) => APIGatewayAuthorizerResult;

export type RequestAuthorizer = (
  event: APIGatewayRequestAuthorizerEvent,
) => Promise<APIGatewayAuthorizerResult>;

/** A REQUEST authorizer that verifies with `verify` and answers with `decide`. */
export function requestAuthorizer(verify: Verify, decide: Decide): RequestAuthorizer {
  return async (event) => {
    try {
      const token = bearerFromHeaders(event.headers, event.multiValueHeaders);
      const result = decide(await verify(token), event.methodArn);
      if (result.policyDocument.Statement.some((statement) => statement.Effect === "Deny")) {
        countMetric("AuthorizerDenied");
      }
      return result;
    } catch (error) {
      countMetric("AuthorizerDenied");
      logger.info("token rejected", { reason: error instanceof Error ? error.message : "unknown" });
      throw new Error("Unauthorized");
    }
  };
}
