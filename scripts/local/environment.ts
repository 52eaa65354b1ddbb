import { resolve } from "node:path";

/** The region, stage and credentials every part of the local stack and its clients share. */
export const REGION = "us-east-1";
export const STAGE = "local";

/** The dummy credentials every local client uses (the S3 emulator signs with these). */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** The environment of processes that call the local emulators through the AWS SDK. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
};

/** The repository's root folder. */
export const ROOT = resolve(import.meta.dirname, "../..");

/** The local stack's state folder: `.local`, or `LOCAL_STATE_DIR` (relative to the repository). */
export function localStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(ROOT, env["LOCAL_STATE_DIR"] || ".local");
}
