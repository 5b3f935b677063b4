import { cliUnavailable, commandStderr, explainEngineError } from "../../scripts/cli/errors";

/** An error as the Automation API throws it: CommandResult.toString() as its message. */
function commandError(name: string, stderr: string): Error {
  const error = new Error(`code: 255\n stdout: Updating (dev)\n\n stderr: ${stderr}\n err?: \n`);
  error.name = name;
  return error;
}

const CONTEXT = {
  stack: "dev",
  cli: "/repo/.tools/pulumi/bin/pulumi",
  backendUrl: "file:///repo/.pulumi-state",
  defaultPassphrase: true,
};

describe("explainEngineError", () => {
  it("reads the CLI's stderr out of a CommandError", () => {
    expect(commandStderr(commandError("CommandError", "error: boom\nsecond line\n"))).toBe(
      "error: boom\nsecond line",
    );
  });

  it("tells how to remove a stale lock", () => {
    const error = commandError(
      "ConcurrentUpdateError",
      "error: the stack is currently locked by 1 lock(s)",
    );
    expect(explainEngineError(error, CONTEXT)).toBe(
      [
        "Stack dev is locked by another update.",
        "If none is running (an earlier run was stopped hard), remove the lock, then run again:",
        "  PULUMI_BACKEND_URL=file:///repo/.pulumi-state /repo/.tools/pulumi/bin/pulumi cancel --stack dev --yes",
      ].join("\n"),
    );
  });

  it("names the passphrase when it does not decrypt the stack", () => {
    const error = commandError(
      "CommandError",
      "error: getting secrets manager: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase",
    );
    expect([
      explainEngineError(error, CONTEXT),
      explainEngineError(error, { ...CONTEXT, stack: "prod", defaultPassphrase: false }),
    ]).toEqual([
      "The dev default passphrase does not decrypt stack dev's secrets: it was created with another one. Set PULUMI_CONFIG_PASSPHRASE to that one and run again.",
      "The passphrase given does not decrypt stack prod's secrets: set PULUMI_CONFIG_PASSPHRASE to the one it was created with and run again.",
    ]);
  });

  it("passes on anything else as the CLI wrote it", () => {
    const error = commandError("CommandError", "error: could not load plugin docker\n\ndetails");
    expect(explainEngineError(error, CONTEXT)).toBe(
      "Pulumi failed:\n  error: could not load plugin docker\n\n  details",
    );
  });
});

describe("cliUnavailable", () => {
  it("says what failed and how to install the CLI by hand", () => {
    expect(
      cliUnavailable("install", new Error("getaddrinfo ENOTFOUND get.pulumi.com\nstack")),
    ).toBe(
      [
        "No usable Pulumi CLI: installing 3.276.0 into .tools/pulumi failed (getaddrinfo ENOTFOUND get.pulumi.com).",
        "Install Pulumi 3.276.0 or later yourself (https://www.pulumi.com/docs/iac/download-install/) and run again.",
      ].join("\n"),
    );
  });
});
