import type { APIGatewayRequestAuthorizerHandler } from "aws-lambda";

export const handler: APIGatewayRequestAuthorizerHandler = async () => {
  throw new Error("Unauthorized");
};
