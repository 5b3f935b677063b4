import * as fs from "node:fs";
import * as path from "node:path";
import { type ProgramRun, type Registered, runProgram, stackFileConfig } from "./helpers/program";

/**
 * `platform: docker` must register what the program registered before Kubernetes arrived: the
 * same resources, names, parents, options and inputs, so no existing stack sees a change.
 * tests/fixtures/docker-baseline.json was recorded by this harness on main at 76d25e8, the last
 * commit before the platform split, for the four configurations below.
 */
const BASELINE = JSON.parse(
  fs.readFileSync(path.join(__dirname, "fixtures", "docker-baseline.json"), "utf8"),
) as Record<string, { resources: Registered[]; outputs: Record<string, unknown> }>;

const PROD_PASSWORD = "correct-horse-battery-staple";
const RUNS: Record<string, () => Promise<ProgramRun>> = {
  dev: () => runProgram("dev", stackFileConfig("dev")),
  prod: () =>
    runProgram("prod", { ...stackFileConfig("prod"), grafanaAdminPassword: PROD_PASSWORD }, [
      "grafanaAdminPassword",
    ]),
  "dev-alloy": () => runProgram("dev", { ...stackFileConfig("dev"), logShipper: "alloy" }),
  "prod-webhook-smtp": () =>
    runProgram(
      "prod",
      {
        ...stackFileConfig("prod"),
        grafanaAdminPassword: PROD_PASSWORD,
        alertContact: "webhook",
        alertWebhookUrl: "https://hooks.example.com/alert",
        smtpHost: "smtp.example.com:587",
        smtpUser: "grafana",
        smtpPassword: "smtp-secret-value",
        smtpFromAddress: "grafana@example.com",
      },
      ["grafanaAdminPassword", "alertWebhookUrl", "smtpPassword"],
    ),
};

/** Registration order is not part of the contract; identity is type and name. */
function byIdentity(resources: readonly Registered[]): Registered[] {
  return [...resources].sort((a, b) =>
    `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`),
  );
}

describe.each(Object.keys(RUNS))("platform docker, configuration %s", (configuration) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await RUNS[configuration]();
  });

  it("registers the recorded resources with the recorded inputs and options", () => {
    expect(byIdentity(run.resources)).toEqual(byIdentity(BASELINE[configuration].resources));
  });

  it("exports the recorded outputs", () => {
    expect(run.outputs).toEqual(BASELINE[configuration].outputs);
  });
});
