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

/**
 * The one intended move: the Grafana provider is now created beside GrafanaContent and handed to
 * it through `opts.provider`, not inside it. index.ts gives it an alias to its old parent, so the
 * engine keeps its identity (and every Grafana resource's provider) rather than replacing it.
 */
function providerMovedToRoot(resources: readonly Registered[]): Registered[] {
  const oldRef = "timemanager:monitoring:GrafanaContent$pulumi:providers:grafana";
  return resources.map((r) => {
    const moved = r.type === "pulumi:providers:grafana" ? { ...r, parent: undefined } : r;
    return moved.provider?.includes(oldRef)
      ? { ...moved, provider: moved.provider.replace(oldRef, "pulumi:providers:grafana") }
      : moved;
  });
}

/**
 * What the fixture recorded of each resource. The harness records more since (property
 * dependencies, an explicit create-before-delete, replaceOnChanges: what the plan model reads),
 * which a recording made before cannot hold.
 */
const RECORDED = [
  "type",
  "name",
  "inputs",
  "parent",
  "protect",
  "retainOnDelete",
  "deleteBeforeReplace",
  "ignoreChanges",
  "dependsOn",
  "provider",
] as const;
const asRecorded = (r: Registered): Partial<Registered> =>
  Object.fromEntries(RECORDED.map((k) => [k, r[k]]));

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
    expect(byIdentity(run.resources).map(asRecorded)).toEqual(
      byIdentity(providerMovedToRoot(BASELINE[configuration].resources)),
    );
  });

  it("exports the recorded outputs", () => {
    expect(run.outputs).toEqual(BASELINE[configuration].outputs);
  });
});
