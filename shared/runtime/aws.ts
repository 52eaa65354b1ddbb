/**
 * AWS SDK clients, built once per container and reused by warm invocations. Locally the
 * endpoints point at the emulators (DynamoDB Local, the S3 emulator) via config.
 *
 * Every call has a deadline: Cognito waits 5 s for a trigger and the triggers time out at 4 s, so
 * a slow dependency must fail the call (a clear error, a retry by the caller) well before that,
 * never hang until Lambda kills the function. `SDK_WORST_CASE_MS` is the longest a call can take
 * with every attempt timing out; the template tests hold it under the trigger timeout.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { config } from "./config.js";

/** Attempts per call: the first and one retry (a third would not fit the triggers' 4 s). */
export const SDK_MAX_ATTEMPTS = 2;
/** Per attempt: at most this long to connect, then at most this long without a byte. */
export const SDK_HTTP_TIMEOUTS = { connectionTimeout: 250, requestTimeout: 750 };
/** This SDK version only warns when `requestTimeout` passes unless told to fail the attempt. */
const HANDLER_OPTIONS = { ...SDK_HTTP_TIMEOUTS, throwOnRequestTimeout: true };
/**
 * The standard retry strategy waits a random time below base * 2^n before retry n (n from 0);
 * the base is largest, 1 s, after a throttling error.
 */
const MAX_BACKOFF_MS = Array.from({ length: SDK_MAX_ATTEMPTS - 1 }, (_, n) => 1_000 * 2 ** n);
/** The longest one SDK call can take when every attempt times out. */
export const SDK_WORST_CASE_MS =
  SDK_MAX_ATTEMPTS * (SDK_HTTP_TIMEOUTS.connectionTimeout + SDK_HTTP_TIMEOUTS.requestTimeout) +
  MAX_BACKOFF_MS.reduce((sum, ms) => sum + ms, 0);

const common = {
  maxAttempts: SDK_MAX_ATTEMPTS,
  requestHandler: HANDLER_OPTIONS,
} as const;

let documentClient: DynamoDBDocumentClient | undefined;
let s3Client: S3Client | undefined;
let cognitoClient: CognitoIdentityProviderClient | undefined;

/** The shared DynamoDB document client (lazily built, so functions that never use it pay nothing). */
export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...common,
      region: config.region(),
      endpoint: config.dynamodbEndpoint(),
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
    ...common,
    region: config.region(),
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
  });
  return s3Client;
}

/** The shared Cognito user-pool client (lazily built; locally it points at the emulator). */
export function cognitoIdp(): CognitoIdentityProviderClient {
  cognitoClient ??= new CognitoIdentityProviderClient({
    region: config.region(),
    endpoint: config.cognitoEndpoint(),
    maxAttempts: 3,
  });
  return cognitoClient;
}
