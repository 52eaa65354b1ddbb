/**
 * The S3 emulator: s3rver, in this process, on an internal loopback port, behind the verifying
 * gateway (s3/gateway.ts) on the S3 port clients use, so uploads and presigned URLs are refused
 * where S3 refuses them. Objects live under the state folder.
 */
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import S3rver from "s3rver";
import { LOCAL_CREDENTIALS, REGION } from "./environment.js";
import type { Lifecycle } from "./lifecycle.js";
import { freePort } from "./ports.js";
import { startS3Gateway } from "./s3/gateway.js";

export interface S3Options {
  port: number;
  stateDir: string;
  /** Keep objects between runs (otherwise they are removed when the emulator closes). */
  persistent: boolean;
  life: Lifecycle;
  /**
   * Told of each object stored (`ObjectCreated:Put`, `:Post`, `:Copy`), with the record S3 sends
   * to an ObjectCreated notification target. Only what the gateway let through is stored.
   */
  onObjectCreated?: (event: S3Event) => void;
}

/** Is `value` an S3 notification event (the shape s3rver emits)? */
function isS3Event(value: unknown): value is S3Event {
  return (
    typeof value === "object" &&
    value !== null &&
    "Records" in value &&
    Array.isArray(value.Records)
  );
}

/** Starts the emulator and its gateway on 127.0.0.1:`port`; resolves with a client for provisioning. */
export async function startS3(options: S3Options): Promise<S3Client> {
  const { port, life } = options;
  const upstreamPort = await freePort();
  const s3rver = new S3rver({
    port: upstreamPort,
    address: "127.0.0.1",
    silent: true,
    directory: join(options.stateDir, "s3"),
    resetOnClose: !options.persistent,
  });
  // s3rver 3.7 is a Koa app, so an EventEmitter (its types omit it): it emits an S3 notification
  // record for every object change it makes. A release that stops being one fails here, loudly.
  const emitter: unknown = s3rver;
  if (!(emitter instanceof EventEmitter)) {
    throw new Error("s3rver no longer emits object events; see docs/local-stack.md");
  }
  emitter.on("event", (event: unknown) => {
    if (!isS3Event(event)) return;
    const created = event.Records.filter((r) => r.eventName.startsWith("ObjectCreated:"));
    if (created.length > 0) options.onObjectCreated?.({ Records: created });
  });
  await s3rver.run();
  life.onStop(() => s3rver.close());
  const gateway = await startS3Gateway({
    port,
    upstreamPort,
    credentials: new Map([[LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey]]),
  });
  life.onStop(() => gateway.close());
  const client = new S3Client({
    region: REGION,
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
  });
  life.onStop(() => client.destroy());
  return client;
}
