import * as fs from "node:fs";
import * as path from "node:path";
import * as semver from "semver";
import { chooseCli, PINNED_PULUMI_VERSION } from "../../scripts/cli/pulumi-cli";

describe("chooseCli", () => {
  it("uses the CLI on PATH when it is the pinned version or newer in the same major", () => {
    expect([
      chooseCli({ onPath: "v3.276.0\n" }, "3.276.0"),
      chooseCli({ onPath: "v3.280.1" }, "3.276.0"),
    ]).toEqual([{ source: "path" }, { source: "path" }]);
  });

  it("installs the pinned version when there is no CLI, and says so", () => {
    expect(chooseCli({}, "3.276.0")).toEqual({
      source: "install",
      note: "No Pulumi CLI on PATH: installing Pulumi CLI 3.276.0 into .tools/pulumi (once; your PATH stays as it is).",
    });
  });

  it.each([
    ["v3.275.9", "is 3.275.9, older than 3.276.0"],
    ["v3.276.0-alpha.1700000000", "is 3.276.0-alpha.1700000000, older than 3.276.0"],
    ["v4.0.0", "is 4.0.0, another major than 3.276.0"],
    ["unknown", 'reports no version I can read ("unknown")'],
  ])("does not use %s on PATH: it %s", (onPath, why) => {
    expect(chooseCli({ onPath }, "3.276.0")).toEqual({
      source: "install",
      note: `The Pulumi CLI on PATH ${why}: installing Pulumi CLI 3.276.0 into .tools/pulumi (once; your PATH stays as it is).`,
    });
  });

  it("reuses the one installed in .tools/pulumi before", () => {
    expect(chooseCli({ onPath: "v3.100.0", inTools: "v3.276.0" }, "3.276.0")).toEqual({
      source: "tools",
      note: "The Pulumi CLI on PATH is 3.100.0, older than 3.276.0: using 3.276.0 from .tools/pulumi.",
    });
  });

  it("replaces an older one in .tools/pulumi", () => {
    expect(chooseCli({ inTools: "v3.200.0" }, "3.276.0").source).toBe("install");
  });

  it("pins a CLI no older than the @pulumi/pulumi SDK in node_modules", () => {
    const sdk = JSON.parse(
      fs.readFileSync(
        path.join(__dirname, "..", "..", "node_modules", "@pulumi", "pulumi", "package.json"),
        "utf8",
      ),
    ) as { version: string };
    expect(semver.gte(PINNED_PULUMI_VERSION, sdk.version)).toBe(true);
  });
});
