/**
 * Nothing of the local stack listens beyond loopback: every listening socket of the process that
 * started the test stack (the vitest main process: the S3 and Cognito emulators and the gateways
 * run in it) and of all its descendants (DynamoDB Local's Java, serverless-offline) is bound to
 * 127.0.0.1, DynamoDB Local included.
 */
import { describe, expect, it } from "vitest";
import { isLoopback, listenersOf, processTree } from "./listeners.js";
import { stack } from "../../support/stack.js";

const port = (url: string) => Number(new URL(url).port);

describe("the local stack's network exposure", () => {
  it("listens on loopback only, on every port of every process it started", () => {
    const info = stack();
    const stackPorts = [
      port(info.apiUrl),
      port(info.cognito.endpoint),
      port(info.dynamodb.endpoint),
      port(info.s3.endpoint),
    ];

    const listeners = listenersOf(processTree(process.ppid));

    for (const expected of stackPorts) {
      expect(
        listeners.map((l) => l.port),
        `port ${expected} is listened on`,
      ).toContain(expected);
    }
    expect(listeners.filter((l) => !isLoopback(l.address))).toEqual([]);
  });
});
