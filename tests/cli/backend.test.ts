import { decideBackend, DEV_PASSPHRASE } from "../../scripts/cli/backend";

const ROOT = "/home/me/timemanager-monitoring";
const LOCAL = {
  PULUMI_BACKEND_URL: `file://${ROOT}/.pulumi-state`,
};

describe("decideBackend", () => {
  it("gives dev the checkout's state folder and the documented passphrase by default", () => {
    expect(decideBackend("up", "dev", {}, ROOT)).toEqual({
      ok: true,
      backend: {
        envVars: { ...LOCAL, PULUMI_CONFIG_PASSPHRASE: DEV_PASSPHRASE },
        localDir: `${ROOT}/.pulumi-state`,
        description: ".pulumi-state/ in this checkout",
        defaultPassphrase: true,
      },
    });
  });

  it("leaves the user's passphrase to Pulumi, for dev too", () => {
    expect(decideBackend("up", "dev", { PULUMI_CONFIG_PASSPHRASE: "mine" }, ROOT)).toEqual({
      ok: true,
      backend: {
        envVars: LOCAL,
        localDir: `${ROOT}/.pulumi-state`,
        description: ".pulumi-state/ in this checkout",
        defaultPassphrase: false,
      },
    });
  });

  it("uses the backend PULUMI_BACKEND_URL names, untouched", () => {
    const env = { PULUMI_BACKEND_URL: "s3://team-state", PULUMI_CONFIG_PASSPHRASE_FILE: "/run/pp" };
    expect(decideBackend("preview", "prod", env, ROOT)).toEqual({
      ok: true,
      backend: { envVars: {}, description: "s3://team-state", defaultPassphrase: false },
    });
  });

  it("refuses prod without a passphrase, saying how to set one", () => {
    expect(decideBackend("up", "prod", {}, ROOT)).toEqual({
      ok: false,
      message: [
        "Stack prod needs the passphrase that encrypts its secrets: only dev, in .pulumi-state/, has a default passphrase.",
        "Set it (or PULUMI_CONFIG_PASSPHRASE_FILE, the path of a file holding it) and run again:",
        "",
        "  export PULUMI_CONFIG_PASSPHRASE='the-passphrase'",
        "  npm run up -- --stack prod",
        "",
        "A new stack takes the passphrase it is first run with; keep it (a password manager): every later run needs the same one.",
      ].join("\n"),
    });
  });

  it("takes an empty PULUMI_CONFIG_PASSPHRASE for unset", () => {
    const decision = decideBackend("preview", "staging", { PULUMI_CONFIG_PASSPHRASE: "" }, ROOT);
    expect(decision.ok).toBe(false);
  });

  it("refuses dev without a passphrase on the user's own backend, where the default does not apply", () => {
    const decision = decideBackend("up", "dev", { PULUMI_BACKEND_URL: "s3://team-state" }, ROOT);
    expect(decision.ok ? "" : decision.message.split("\n").slice(0, 1)).toEqual([
      "Stack dev needs the passphrase that encrypts its secrets: dev has a default passphrase only in .pulumi-state/, and PULUMI_BACKEND_URL is set (s3://team-state).",
    ]);
  });
});
