/** The local stack's ports: the defaults of `npm start`, free-port discovery, and checks. */
import { createServer } from "node:net";
import { sleep } from "./processes.js";

/** One 127.0.0.1 port per part of the stack. */
export interface Ports {
  api: number;
  lambda: number;
  cognito: number;
  dynamodb: number;
  s3: number;
  /** The browser demo page (`/demo/`). */
  demo: number;
}

/** True when nothing listens on 127.0.0.1:`port`. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () =>
      server.close(() => done(true)),
    );
  });
}

/** A port the OS reports free right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** A free port for every part of the stack (tests and benchmarks run beside `npm start`). */
export async function freePorts(): Promise<Ports> {
  return {
    api: await freePort(),
    lambda: await freePort(),
    cognito: await freePort(),
    dynamodb: await freePort(),
    s3: await freePort(),
    demo: await freePort(),
  };
}

/** The ports among `ports` that something listens on, by part name. */
async function busy(ports: Ports): Promise<[keyof Ports, number][]> {
  const taken: [keyof Ports, number][] = [];
  for (const [name, port] of Object.entries(ports) as [keyof Ports, number][]) {
    if (!(await isPortFree(port))) taken.push([name, port]);
  }
  return taken;
}

/**
 * Resolves once every port is free, or throws naming the first one still in use after `waitMs`
 * (a process that was just killed may hold its port for a moment).
 */
export async function ensurePortsFree(ports: Ports, waitMs = 0): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [first] = await busy(ports);
    if (!first) return;
    if (Date.now() >= deadline) {
      const [name, port] = first;
      throw new Error(
        `Port ${port} (${name}) is already in use on 127.0.0.1. Stop what uses it or set another port.`,
      );
    }
    await sleep(100);
  }
}
