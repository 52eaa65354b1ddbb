/**
 * Points this test file's `shared/` modules at the test stack's DynamoDB Local and S3 emulator,
 * for tests that call the files module in-process. Call it in `beforeAll`, before the first data
 * access.
 * The S3 emulator accepts only the key pair S3RVER/S3RVER (DynamoDB Local accepts any).
 */
import { S3Client } from "@aws-sdk/client-s3";
import { vi } from "vitest";
import { useLocalData } from "./local-data.js";
import { stack } from "./stack.js";

export const EMULATOR_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export function useLocalFiles(): void {
  useLocalData();
  const { s3 } = stack();
  vi.stubEnv("BUCKET_NAME", s3.bucket);
  vi.stubEnv("S3_ENDPOINT", s3.endpoint);
  vi.stubEnv("AWS_ACCESS_KEY_ID", EMULATOR_CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", EMULATOR_CREDENTIALS.secretAccessKey);
}

let client: S3Client | undefined;

/** An S3 client of the test stack's emulator, for looking at the bucket directly. */
export function emulatorS3(): S3Client {
  const { region, s3 } = stack();
  client ??= new S3Client({
    region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: EMULATOR_CREDENTIALS,
  });
  return client;
}
