import { describe, expect, it } from "vitest";
import { resolve } from "../../../../../scripts/local/cognito/oauth/intrinsics.js";

const conditions = {
  GoogleSignIn: { "Fn::Equals": ["false", "true"] },
  Always: { "Fn::Not": [{ Condition: "GoogleSignIn" }] },
};

describe("intrinsics (the local app client's properties)", () => {
  it("splits a comma-separated URL list as Fn::Split does", () => {
    const value = { "Fn::Split": [",", "http://a/,http://b/"] };

    expect(resolve(value, conditions)).toEqual(["http://a/", "http://b/"]);
  });

  it("takes the branch of Fn::If its condition selects, through nested conditions", () => {
    const providers = {
      "Fn::If": ["GoogleSignIn", ["COGNITO", { Ref: "GoogleIdentityProvider" }], ["COGNITO"]],
    };

    expect(resolve({ SupportedIdentityProviders: providers }, conditions)).toEqual({
      SupportedIdentityProviders: ["COGNITO"],
    });
    expect(resolve({ "Fn::If": ["Always", 1, 2] }, conditions)).toBe(1);
  });

  it("refuses what only AWS can resolve instead of passing the object on", () => {
    const on = { GoogleSignIn: { "Fn::Equals": ["true", "true"] } };
    const providers = { "Fn::If": ["GoogleSignIn", [{ Ref: "GoogleIdentityProvider" }], []] };

    expect(() => resolve(providers, on)).toThrow(
      /cannot resolve \{"Ref":"GoogleIdentityProvider"\}/,
    );
    expect(() => resolve({ "Fn::If": ["Missing", 1, 2] }, on)).toThrow(/Unknown condition/);
  });
});
