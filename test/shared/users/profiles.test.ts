import { describe, expect, it } from "vitest";
import { isProfileCursorKey, isSub } from "../../../shared/users/profiles.js";

const SUB = "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10";
const key = {
  pk: `USER#${SUB}`,
  sk: "PROFILE",
  gsi1pk: "PROFILES",
  gsi1sk: `2026-01-02T03:04:05.678Z#${SUB}`,
};

describe("isSub", () => {
  it.each([SUB, SUB.toUpperCase()])("accepts the UUID %s", (value) => {
    expect(isSub(value)).toBe(true);
  });

  it.each([
    undefined,
    "",
    "user-1",
    `${SUB}x`,
    ` ${SUB}`,
    `USER#${SUB}`,
    "01J0ABCDEFGHJKMNPQRSTVWXYZ",
  ])("refuses %j", (value) => {
    expect(isSub(value)).toBe(false);
  });
});

describe("isProfileCursorKey", () => {
  it("accepts the LastEvaluatedKey of a profiles query", () => {
    expect(isProfileCursorKey(key)).toBe(true);
  });

  it.each([
    ["a missing attribute", { pk: key.pk, sk: key.sk, gsi1pk: key.gsi1pk }],
    ["an extra attribute", { ...key, owner: SUB }],
    ["a note's sort key", { ...key, sk: "NOTE#01J0ABCDEFGHJKMNPQRSTVWXYZ" }],
    ["another index", { ...key, gsi1pk: "NOTES" }],
    ["a partition that is not a user", { ...key, pk: `ORG#${SUB}` }],
    ["a sub that is not a UUID", { ...key, pk: "USER#x", gsi1sk: "2026-01-02T03:04:05.678Z#x" }],
    [
      "an index key of another user",
      { ...key, gsi1sk: `2026-01-02T03:04:05.678Z#${SUB.replace("6", "7")}` },
    ],
    ["a malformed date", { ...key, gsi1sk: `2026-01-02#${SUB}` }],
    ["an extra separator", { ...key, gsi1sk: `2026-01-02T03:04:05.678Z#${SUB}#x` }],
  ])("refuses %s", (_, candidate) => {
    expect(isProfileCursorKey(candidate)).toBe(false);
  });
});
