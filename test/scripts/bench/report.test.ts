import { describe, expect, it } from "vitest";
import type { AuthorizerFigures } from "../../../scripts/bench/authorizer.js";
import type { RouteLoad } from "../../../scripts/bench/load.js";
import {
  checkTargets,
  memorySweep,
  nodeMajor,
  type FunctionFigures,
} from "../../../scripts/bench/report.js";
import { percentile } from "../../../scripts/bench/timing.js";

function fn(overrides: Partial<FunctionFigures>): FunctionFigures {
  return {
    name: "getHealth",
    kind: "route",
    handler: "functions/get-health.handler",
    bytes: 6000,
    sourceMapBytes: 9000,
    zipBytes: 5000,
    sdkClients: [],
    nodeOptions: undefined,
    kb: 6,
    coldMs: 50,
    coldMinMs: 45,
    ratioToBare: 1.2,
    ...overrides,
  };
}

const authorizer: AuthorizerFigures = {
  verifications: { best: 16_000, wall: 12_000 },
  verifyOnly: { best: 17_000, wall: 13_000 },
  signatureOnly: { best: 25_000, wall: 20_000 },
  rejectMalformedHeader: { best: 20, wall: 30 },
  rejectMalformedJwt: { best: 50, wall: 60 },
};

const route = (errors: number, warmupErrors = 0): RouteLoad => ({
  route: "GET /me",
  requests: 2000,
  connections: 10,
  p50Ms: 20,
  p99Ms: 80,
  requestsPerSecond: 300,
  errors,
  warmupErrors,
  errorSamples: [],
});

const lambdaNode = { node: "v22.23.5", lambdaRuntime: "nodejs22.x" };

const unmet = (functions: FunctionFigures[], load: RouteLoad[] | null = null) =>
  checkTargets(functions, authorizer, load, lambdaNode)
    .filter((check) => !check.met)
    .map((check) => `${check.target}: ${check.subject}`);

describe("checkTargets", () => {
  it("holds a function without the SDK to 20 KB and 1.3× bare node", () => {
    expect(unmet([fn({ kb: 19.9, ratioToBare: 1.29 })])).toEqual([]);

    expect(unmet([fn({ kb: 20.1, ratioToBare: 1.31 })])).toEqual([
      "no-SDK function ≤ 20 KB: getHealth",
      "cold import ≤ 1.3× bare node: getHealth",
    ]);
  });

  it("holds the authorizer to 25 KB, not 20", () => {
    const admin = fn({ name: "adminAuthorizer", kind: "authorizer", kb: 24 });

    expect(unmet([admin])).toEqual([]);
    expect(unmet([{ ...admin, kb: 26 }])).toEqual(["authorizer ≤ 25 KB: adminAuthorizer"]);
  });

  it("compares a function with SDK clients to its floor, not to bare node", () => {
    const getMe = fn({
      name: "getMe",
      kb: 350,
      sdkClients: ["client-dynamodb"],
      ratioToBare: 3.2,
      floor: "client-dynamodb",
      ratioToFloor: 1.1,
      ratioToDefaultFloor: 0.85,
    });

    expect(unmet([getMe])).toEqual([]);
    expect(unmet([{ ...getMe, ratioToFloor: 1.2, ratioToDefaultFloor: 0.86 }])).toEqual([
      "cold import ≤ 1.15× SDK floor: getMe",
      "cold import ≤ 0.85× default-chain SDK floor: getMe",
    ]);
  });

  it("holds every function to 800 KB", () => {
    const big = fn({
      name: "createFile",
      kb: 801,
      sdkClients: ["client-s3"],
      ratioToFloor: 1,
      ratioToDefaultFloor: 0.8,
    });

    expect(unmet([big])).toEqual(["bundle ≤ 800 KB: createFile"]);
  });

  it("needs 15,000 verifications per second and no error under load, warm-up included", () => {
    const slow = { ...authorizer, verifications: { best: 14_999, wall: 20_000 } };

    expect(checkTargets([], slow, null, lambdaNode).filter((c) => !c.met)).toHaveLength(1);
    expect(unmet([], [route(0)])).toEqual([]);
    expect(unmet([], [route(0, 1)])).toEqual(["local API: 0 errors: GET /me"]);
    expect(unmet([], [route(2)])).toEqual(["local API: 0 errors: GET /me"]);
  });

  it("needs npm start ready within 15 s warm and the unit tests within 30 s", () => {
    const loop = {
      startFreshMs: 40_000,
      startWarmMs: 15_000,
      unitTestsMs: 30_000,
      unitTestsPassed: true,
      npmTestMs: 300_000,
      npmTestPassed: true,
    };
    const missed = (figures: typeof loop) =>
      checkTargets([], authorizer, null, lambdaNode, figures)
        .filter((c) => !c.met)
        .map((c) => c.target);

    expect(missed(loop)).toEqual([]);
    expect(missed({ ...loop, startWarmMs: 15_001 })).toEqual(["npm start ready ≤ 15 s warm"]);
    expect(missed({ ...loop, unitTestsMs: 30_001 })).toEqual(["npm run test:unit ≤ 30 s"]);
    expect(missed({ ...loop, npmTestPassed: false })).toEqual(["npm test passes"]);
  });

  it("counts figures measured on another Node.js major than Lambda's as a missed target", () => {
    const onNode20 = { node: "v20.20.2", lambdaRuntime: "nodejs22.x" };

    expect(
      checkTargets([], authorizer, null, onNode20)
        .filter((c) => !c.met)
        .map((c) => c.target),
    ).toEqual(["measured on Lambda's Node.js major (nodejs22.x)"]);
  });
});

describe("memorySweep", () => {
  it("stretches CPU work by the vCPU share, not the waits, and bills whole milliseconds", () => {
    const rows = memorySweep(50, 1, 5);
    const at = (mb: number) => rows.find((row) => row.memoryMb === mb);

    expect(rows.map((row) => row.memoryMb)).toEqual([128, 256, 512, 1024, 1769]);
    expect(at(1769)).toMatchObject({ vcpu: 1, coldImportMs: 50, warmMs: 6 });
    expect(at(128)?.coldImportMs).toBeCloseTo((50 * 1769) / 128, 6);
    // 512 MB: 1 ms of CPU takes 3.455 ms, plus 5 ms waiting: 9 ms billed at 0.5 GB.
    expect(at(512)?.warmMs).toBeCloseTo(1769 / 512 + 5, 6);
    expect(at(512)?.warmCostPerMillion).toBeCloseTo(0.2 + 0.009 * 0.5 * 0.0000133334 * 1e6, 6);
  });
});

describe("nodeMajor", () => {
  it("reads the major of a Node.js version and of a Lambda runtime", () => {
    expect(nodeMajor("v22.23.5")).toBe(22);
    expect(nodeMajor("nodejs22.x")).toBe(22);
    expect(nodeMajor("python3.12")).toBeNaN();
  });
});

describe("percentile", () => {
  it("picks by nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);

    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });
});
