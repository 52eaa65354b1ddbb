/**
 * AWS SDK clients, built once per container and reused by warm invocations. Locally the
 * endpoints point at the emulators (DynamoDB Local, the S3 emulator) via config.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { config } from "./config.js";

let documentClient: DynamoDBDocumentClient | undefined;
let s3Client: S3Client | undefined;

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

/**
 * The shared S3 client (lazily built). With an endpoint (the local emulator) it uses path-style
 * URLs, which an emulator on 127.0.0.1 needs; in AWS it keeps virtual-hosted URLs.
 */
export function s3(): S3Client {
  const endpoint = config.s3Endpoint();
  s3Client ??= new S3Client({
    region: config.region(),
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
    maxAttempts: 3,
  });
  return s3Client;
}
