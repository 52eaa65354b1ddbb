/** The S3 emulator (s3rver), in this process, with its objects under the state folder. */
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { LOCAL_CREDENTIALS, REGION } from "./environment.js";
import type { Lifecycle } from "./lifecycle.js";

export interface S3Options {
  port: number;
  stateDir: string;
  /** Keep objects between runs (otherwise they are removed when the emulator closes). */
  persistent: boolean;
  life: Lifecycle;
}

/** Starts the emulator on 127.0.0.1:`port` and resolves with a client for provisioning. */
export async function startS3(options: S3Options): Promise<S3Client> {
  const { port, life } = options;
  const s3rver = new S3rver({
    port,
    address: "127.0.0.1",
    silent: true,
    directory: join(options.stateDir, "s3"),
    resetOnClose: !options.persistent,
  });
  await s3rver.run();
  life.onStop(() => s3rver.close());
  const client = new S3Client({
    region: REGION,
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
  });
  life.onStop(() => client.destroy());
  return client;
}
