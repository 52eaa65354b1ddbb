import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { conditionalWrite } from "../../../shared/data/conditional-write.js";

const failed = (item?: Record<string, never>) =>
  new ConditionalCheckFailedException({
    message: "The conditional request failed",
    $metadata: {},
    Item: item,
  });

describe("conditionalWrite", () => {
  it("passes the output of a write whose condition held", async () => {
    expect(await conditionalWrite(Promise.resolve({ Attributes: { a: 1 } }))).toEqual({
      ok: true,
      output: { Attributes: { a: 1 } },
    });
  });

  it("turns a failed condition into a result, saying whether an item was there", async () => {
    expect(await conditionalWrite(Promise.reject(failed()))).toEqual({ ok: false, existed: false });
    expect(await conditionalWrite(Promise.reject(failed({})))).toEqual({
      ok: false,
      existed: true,
    });
  });

  it("throws any other failure", async () => {
    const throttled = Object.assign(new Error("slow down"), { name: "ThrottlingException" });

    await expect(conditionalWrite(Promise.reject(throttled))).rejects.toBe(throttled);
  });
});
