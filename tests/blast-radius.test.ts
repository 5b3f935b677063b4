import * as fs from "node:fs";
import * as path from "node:path";
import type * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import type * as grafana from "@pulumiverse/grafana";
import type * as alertsModule from "../components/observability/grafana/alerts";
import type * as dashboardModule from "../components/observability/grafana/dashboard";
import type * as datasourcesModule from "../components/observability/grafana/datasources";
import type * as panelsModule from "../components/observability/grafana/panels";
import {
  type Plan,
  type PlanResult,
  type TableRow,
  plan,
  renderBlastRadiusTable,
  stable,
} from "./helpers/plan-model";
import { type Registered, type RunOptions, runProgram, stackFileConfig } from "./helpers/program";

/**
 * What a typical edit does to a running stack: the program runs under mocks before and after the
 * edit, and the plan model (tests/helpers/plan-model.ts) classifies each change by the rules of
 * its provider, read in the provider's source. A code edit is run by swapping the module that
 * holds it for a wrapper of the real one that changes that one thing. The README's table is
 * rendered from these plans; the last test fails when the README says otherwise.
 */

const PROD_PASSWORD = "correct-horse-battery-staple";
const PROD = { ...stackFileConfig("prod"), grafanaAdminPassword: PROD_PASSWORD };
const WEBHOOK = { alertContact: "webhook", alertWebhookUrl: "https://hooks.example.org/a" };
const EMAIL = {
  alertContact: "email",
  alertEmails: '["oncall@example.org"]',
  smtpHost: "smtp.example.org:587",
};

/** An edit of the prod stack: a settings change, a code change, or both. */
interface Edit {
  /** The edit as the README's table names it (markdown). */
  readonly edit: string;
  /** Settings of the stack before the edit, beyond prod's. */
  readonly base?: Readonly<Record<string, string>>;
  /** Settings the edit changes. */
  readonly change?: Readonly<Record<string, string>>;
  /** Program modules the edit swaps (a code edit). */
  readonly modules?: RunOptions["modules"];
  /** The plan the providers' rules give, by resource name. */
  readonly plan: Readonly<Record<string, Plan>>;
}

const SERVICES = ["prometheus", "loki", "promtail", "tempo", "cadvisor", "grafana"];
const everyContainer = (p: Plan) =>
  Object.fromEntries(SERVICES.map((s) => [`${s}-container`, p] as const));

/** The Docker provider's Container, every one built with a different restart policy. */
const restartPolicyEdit: RunOptions["modules"] = {
  "node_modules/@pulumi/docker": (actual: typeof docker) => ({
    ...actual,
    Container: class extends actual.Container {
      constructor(name: string, args: docker.ContainerArgs, opts?: pulumi.CustomResourceOptions) {
        super(name, { ...args, restart: "always" }, opts);
      }
    },
  }),
};

/** Loki's container alone gets another restart policy. */
const lokiRestartEdit: RunOptions["modules"] = {
  "node_modules/@pulumi/docker": (actual: typeof docker) => ({
    ...actual,
    Container: class extends actual.Container {
      constructor(name: string, args: docker.ContainerArgs, opts?: pulumi.CustomResourceOptions) {
        super(name, name === "loki-container" ? { ...args, restart: "on-failure" } : args, opts);
      }
    },
  }),
};

/** Grafana reaches Loki at another URL (a Loki gateway, say). */
const datasourceUrlEdit: RunOptions["modules"] = {
  "components/observability/grafana/datasources": (actual: typeof datasourcesModule) => ({
    ...actual,
    datasources: (urls: datasourcesModule.DatasourceUrls) =>
      actual.datasources({ ...urls, loki: "http://loki-gateway:3100" }),
  }),
};

/** The overview dashboard's model with one top-level field changed. */
const dashboardEdit = (field: "title" | "uid", value: string): RunOptions["modules"] => ({
  "components/observability/grafana/dashboard": (actual: typeof dashboardModule) => ({
    ...actual,
    renderDashboard: (...args: Parameters<typeof actual.renderDashboard>) =>
      JSON.stringify(
        { ...(JSON.parse(actual.renderDashboard(...args)) as object), [field]: value },
        null,
        2,
      ),
  }),
});

/** A panel edit: the total request rate panel gets another title. */
const EDITED_TITLE = "Total requests per second (all endpoints)";
const panelEdit: RunOptions["modules"] = {
  "components/observability/grafana/panels": (actual: typeof panelsModule) => ({
    ...actual,
    requestRateTotalPanel: () => actual.requestRateTotalPanel().title(EDITED_TITLE),
  }),
};

/** A threshold edit: High Latency fires above 3 s instead of 2 s. */
const LATENCY_ALERT = "timemanager-high-latency";
const thresholdEdit: RunOptions["modules"] = {
  "components/observability/grafana/alerts": (actual: typeof alertsModule) => ({
    ...actual,
    ALERTS: actual.ALERTS.map((a) => (a.uid === LATENCY_ALERT ? { ...a, threshold: 3 } : a)),
  }),
};

/** The rows of the README's table, top to bottom. */
const EDITS: readonly Edit[] = [
  {
    edit: "`lokiMemoryMb` (a memory limit)",
    change: { lokiMemoryMb: "768" },
    plan: { "loki-container": "update" },
  },
  {
    edit: "`RESTART_POLICY` (code: the restart policy)",
    modules: restartPolicyEdit,
    plan: everyContainer("update"),
  },
  {
    edit: "`lokiRetentionDays` (a retention period)",
    change: { lokiRetentionDays: "30" },
    plan: { "loki-container": "replace" },
  },
  {
    edit: "`prometheusRetentionDays`",
    change: { prometheusRetentionDays: "30" },
    plan: { "prometheus-container": "replace" },
  },
  {
    edit: "`backendTarget` (a scrape target)",
    change: { backendTarget: "api:9000" },
    plan: { "prometheus-container": "replace" },
  },
  {
    edit: "`grafanaPort` (a port)",
    change: { grafanaPort: "3002" },
    plan: { "grafana-container": "replace", "grafana-content-provider": "update" },
  },
  {
    edit: "`lokiImage` (an image tag)",
    change: { lokiImage: "grafana/loki:3.7.7" },
    plan: { "loki-container-image": "replace", "loki-container": "replace" },
  },
  {
    edit: "`logShipper: alloy` (the log shipper)",
    change: { logShipper: "alloy" },
    plan: {
      "promtail-container": "delete",
      "promtail-container-image": "delete",
      "promtail-data": "delete",
      "alloy-container": "create",
      "alloy-container-image": "create",
      "alloy-data": "create",
    },
  },
  {
    edit: "`grafanaAdminPassword`",
    change: { grafanaAdminPassword: "another-long-passphrase" },
    plan: { "grafana-container": "replace", "grafana-content-provider": "update" },
  },
  {
    edit: "`composeProject`",
    base: { composeProject: "tm-old" },
    change: { composeProject: "timemanager-monitoring" },
    plan: everyContainer("replace"),
  },
  {
    edit: "`namePrefix`",
    change: { namePrefix: "tm" },
    plan: {
      "networks-monitoring": "replace",
      ...Object.fromEntries(
        SERVICES.filter((s) => s !== "cadvisor").map((s) => [`${s}-data`, "replace"]),
      ),
      ...everyContainer("replace"),
    },
  },
  {
    edit: "`alertContact: webhook`",
    change: WEBHOOK,
    plan: { "grafana-content-contact": "create", "grafana-content-policy": "create" },
  },
  {
    edit: "`alertContact: email` + `alertEmails` + `smtpHost`",
    change: EMAIL,
    plan: {
      "grafana-container": "replace",
      "grafana-content-contact": "create",
      "grafana-content-policy": "create",
    },
  },
  {
    edit: "`alertContact`: `webhook` -> `email` (the contact point)",
    base: WEBHOOK,
    change: EMAIL,
    plan: {
      "grafana-container": "replace",
      "grafana-content-contact": "replace",
      "grafana-content-policy": "update",
    },
  },
  {
    edit: "`alertWebhookUrl`",
    base: WEBHOOK,
    change: { alertWebhookUrl: "https://hooks.example.org/b" },
    plan: { "grafana-content-contact": "update" },
  },
  {
    edit: "a datasource's URL (code)",
    modules: datasourceUrlEdit,
    plan: { "grafana-content-datasource-loki": "update" },
  },
  {
    edit: "the dashboard's title (code)",
    modules: dashboardEdit("title", "Time Manager"),
    plan: { "grafana-content-dashboard": "update" },
  },
  {
    edit: "the dashboard's uid (code)",
    modules: dashboardEdit("uid", "timemanager-overview-v2"),
    plan: { "grafana-content-dashboard": "replace" },
  },
  {
    edit: "a panel (code)",
    modules: panelEdit,
    plan: { "grafana-content-dashboard": "update" },
  },
  {
    edit: "an alert threshold (code)",
    modules: thresholdEdit,
    plan: { "grafana-content-alerts": "update" },
  },
];

/** Program runs, each once: a run's resources by its config and swapped modules. */
const runs = new Map<string, Promise<Registered[]>>();
function resources(
  stack: string,
  config: Readonly<Record<string, string>>,
  modules?: { readonly id: string; readonly swap: RunOptions["modules"] },
): Promise<Registered[]> {
  const id = `${stack} ${stable(config)} ${modules?.id ?? ""}`;
  let run = runs.get(id);
  if (run === undefined) {
    // One after the other: Pulumi's runtime state is global.
    const previous = Promise.all([...runs.values()]);
    run = previous.then(async () => {
      const options = modules === undefined ? {} : { modules: modules.swap };
      return (await runProgram(stack, config, undefined, options)).resources;
    });
    runs.set(id, run);
  }
  return run;
}

interface Planned {
  readonly result: PlanResult;
  readonly before: Registered[];
  readonly after: Registered[];
}

async function planOf(e: Edit, stack = "prod"): Promise<Planned> {
  const base = { ...(stack === "prod" ? PROD : stackFileConfig(stack)), ...e.base };
  const before = await resources(stack, base);
  const modules = e.modules === undefined ? undefined : { id: e.edit, swap: e.modules };
  const after = await resources(stack, { ...base, ...e.change }, modules);
  return { result: plan(before, after), before, after };
}

const plans = (result: PlanResult) =>
  Object.fromEntries(Object.entries(result.steps).map(([name, s]) => [name, s.plan]));

describe("blast radius of an edit (prod)", () => {
  it.each(EDITS)("$edit", async (e) => {
    // Given the prod stack before and after the edit
    const { result } = await planOf(e);
    // Then the providers' rules plan exactly this, and no replacement deletes an object that
    // another resource still refers to
    expect(plans(result)).toEqual(e.plan);
    expect(result.hazards).toEqual([]);
  });

  it("a memory limit and a restart policy are applied to the running container", async () => {
    for (const e of EDITS.slice(0, 2)) {
      const { result } = await planOf(e);
      for (const step of Object.values(result.steps))
        expect([step.name, step.changed, step.recordedOnly]).toEqual([
          step.name,
          e.change === undefined ? ["restart"] : ["memory", "memorySwap"],
          false,
        ]);
    }
  });

  it("one container's restart policy updates that container in place and nothing else", async () => {
    const e: Edit = { edit: "Loki's restart policy", modules: lokiRestartEdit, plan: {} };
    const { result } = await planOf(e);
    expect(Object.values(result.steps)).toEqual([
      expect.objectContaining({
        name: "loki-container",
        plan: "update",
        changed: ["restart"],
        recordedOnly: false,
      }),
    ]);
  });

  it("a replaced container is deleted before its successor starts (its name and ports are unique)", async () => {
    const { result } = await planOf(EDITS[2]);
    expect(result.steps["loki-container"]).toMatchObject({
      plan: "replace",
      replacedBy: ["uploads"],
      deleteFirst: true,
    });
  });

  it("the contact point's replacement is created before the old one goes, once the policy moved", async () => {
    // Given the switch from a webhook to e-mail, which renames the contact point (name is ForceNew)
    const { result } = await planOf(EDITS.find((e) => e.edit.includes("-> `email`")) ?? EDITS[0]);
    // Then the new one comes first: Grafana refuses to delete one the policy still routes to
    expect(result.steps["grafana-content-contact"]).toMatchObject({
      plan: "replace",
      replacedBy: ["name"],
      deleteFirst: false,
    });
  });

  it("without deleteBeforeReplace: false, that switch would delete the contact point the policy uses", async () => {
    // Given the Grafana SDK's ContactPoint stripped of the program's replacement order
    const withoutOrder: RunOptions["modules"] = {
      "node_modules/@pulumiverse/grafana": (actual: typeof grafana) => ({
        ...actual,
        alerting: {
          ...actual.alerting,
          ContactPoint: class extends actual.alerting.ContactPoint {
            constructor(
              name: string,
              args: grafana.alerting.ContactPointArgs,
              opts?: pulumi.CustomResourceOptions,
            ) {
              super(name, args, { ...opts, deleteBeforeReplace: undefined });
            }
          },
        },
      }),
    };
    const e: Edit = {
      edit: "no order",
      base: WEBHOOK,
      change: EMAIL,
      modules: withoutOrder,
      plan: {},
    };
    // When the switch is planned
    const { result } = await planOf(e);
    // Then the auto-named contact point is deleted first while the policy still routes to it
    expect(result.hazards).toEqual([
      {
        deleted: "grafana-content-contact",
        dependent: "grafana-content-policy",
        input: "contactPoint",
      },
    ]);
  });

  it("a logShipper switch deletes nothing protected, and keeps the positions volume on the host", async () => {
    const e = EDITS.find((x) => x.change?.logShipper === "alloy") ?? EDITS[0];
    const { result } = await planOf(e);
    const deleted = Object.values(result.steps).filter((s) => s.plan === "delete");
    expect(Object.fromEntries(deleted.map((s) => [s.name, [s.protect, s.retainOnDelete]]))).toEqual(
      {
        "promtail-container": [false, false],
        "promtail-container-image": [false, false],
        "promtail-data": [false, true],
      },
    );
  });

  it("a namePrefix change would replace the protected data volumes: pulumi up refuses", async () => {
    const e = EDITS.find((x) => x.change?.namePrefix !== undefined) ?? EDITS[0];
    const { result } = await planOf(e);
    const data = Object.values(result.steps).filter((s) => s.name.endsWith("-data"));
    expect(data.map((s) => [s.name, s.plan, s.protect])).toEqual(
      ["prometheus", "loki", "promtail", "tempo", "grafana"].map((s) => [
        `${s}-data`,
        "replace",
        s !== "promtail",
      ]),
    );
  });
});

describe("blast radius in dev", () => {
  it("the Grafana password replaces the Grafana container and updates the provider", async () => {
    const e: Edit = {
      edit: "dev password",
      change: { grafanaAdminPassword: PROD_PASSWORD },
      plan: {},
    };
    const { result } = await planOf(e, "dev");
    expect(plans(result)).toEqual({
      "grafana-container": "replace",
      "grafana-content-provider": "update",
    });
  });
});

function inputsOf(rs: readonly Registered[], name: string): Record<string, unknown> {
  const found = rs.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no resource ${name}`);
  return found.inputs;
}

/** Every panel title of the dashboard resource's model, rows' nested panels included. */
function panelTitles(rs: readonly Registered[]): string[] {
  interface Panel {
    title?: string;
    panels?: Panel[];
  }
  const model = JSON.parse(String(inputsOf(rs, "grafana-content-dashboard").configJson)) as {
    panels: Panel[];
  };
  const titles = (ps: readonly Panel[]): string[] =>
    ps.flatMap((p) => [...(p.title === undefined ? [] : [p.title]), ...titles(p.panels ?? [])]);
  return titles(model.panels);
}

interface RuleInput {
  uid: string;
  datas: { refId: string; model: string }[];
}

/** The threshold (expression B's evaluator parameters) of one rule of the rule group. */
function thresholdOf(rs: readonly Registered[], uid: string): unknown {
  const rule = (inputsOf(rs, "grafana-content-alerts").rules as RuleInput[]).find(
    (r) => r.uid === uid,
  );
  const b = rule?.datas.find((d) => d.refId === "B");
  if (b === undefined) throw new Error(`no threshold expression in rule ${uid}`);
  const model = JSON.parse(b.model) as { conditions: { evaluator: { params: unknown } }[] };
  return model.conditions[0]?.evaluator.params;
}

describe("a code edit swaps one module for one run only", () => {
  it("the panel edit changes that panel's title, and the next run has the real one", async () => {
    const { before, after } = await planOf(EDITS.find((e) => e.modules === panelEdit) ?? EDITS[0]);
    expect(panelTitles(after)).toEqual(
      panelTitles(before).map((t) => (t === "Total requests per second" ? EDITED_TITLE : t)),
    );
    const restored = (await runProgram("prod", PROD)).resources;
    expect(plans(plan(before, restored))).toEqual({});
  });

  it("the threshold edit changes that rule's threshold only", async () => {
    const { before, after } = await planOf(
      EDITS.find((e) => e.modules === thresholdEdit) ?? EDITS[0],
    );
    expect([thresholdOf(before, LATENCY_ALERT), thresholdOf(after, LATENCY_ALERT)]).toEqual([
      [2],
      [3],
    ]);
    const others = (rs: readonly Registered[]) =>
      stable(
        (inputsOf(rs, "grafana-content-alerts").rules as RuleInput[]).filter(
          (r) => r.uid !== LATENCY_ALERT,
        ),
      );
    expect(others(after)).toBe(others(before));
  });
});

/** The README's blast-radius table, as rows of trimmed cells. */
function readmeTable(): string[][] {
  const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8").split("\n");
  const start = readme.findIndex((l) => /^\| Edit +\| Replaced +\|/.test(l));
  if (start < 0) throw new Error("no blast-radius table (| Edit | Replaced | ...) in README.md");
  const end = readme.findIndex((l, i) => i > start && !l.startsWith("|"));
  return readme
    .slice(start, end)
    .filter((_, i) => i !== 1)
    .map((l) =>
      l
        .slice(1, -1)
        .split(" | ")
        .map((c) => c.trim()),
    );
}

describe("the README's blast-radius table", () => {
  it("is the one these plans render (scripts/blast-radius-docs.ts prints it)", async () => {
    // Given every edit's plan
    const rows: TableRow[] = [];
    for (const e of EDITS) {
      const { result, after } = await planOf(e);
      rows.push({ edit: e.edit, result, after });
    }
    // When the table is rendered from them
    const table = renderBlastRadiusTable(rows);
    const out = process.env.BLAST_RADIUS_TABLE;
    if (out !== undefined) fs.writeFileSync(out, `${table}\n`);
    // Then the README holds it, cell for cell
    const rendered = table
      .split("\n")
      .filter((_, i) => i !== 1)
      .map((l) =>
        l
          .slice(1, -1)
          .split(" | ")
          .map((c) => c.trim()),
      );
    expect(readmeTable()).toEqual(rendered);
    // (alone, as scripts/blast-radius-docs.ts runs it, it plans every edit itself)
  }, 240_000);
});
