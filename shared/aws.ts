/**
 * AWS SDK clients, built once per container and reused by warm invocations. Locally the
 * endpoints point at the emulators (DynamoDB Local, the S3 emulator) via config.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { config } from "./config.js";

let documentClient: DynamoDBDocumentClient | undefined;

/** The shared DynamoDB document client (lazily built, so functions that never use it pay nothing). */
export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: config.region(),
      endpoint: config.dynamodbEndpoint(),
      maxAttempts: 3,
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return documentClient;
}
