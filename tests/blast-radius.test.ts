import type * as alertsModule from "../components/observability/grafana/alerts";
import type * as panelsModule from "../components/observability/grafana/panels";
import { type Registered, type RunOptions, runProgram, stackFileConfig } from "./helpers/program";

/**
 * What a typical settings edit does to a running stack: the program runs under mocks before and
 * after the edit, and each resource whose inputs changed is classified the way its provider
 * would plan it. The Docker provider (kreuzwerker) marks every container argument ForceNew, so
 * any changed container input replaces the container; a volume's or network's arguments are
 * ForceNew too, and so is a RemoteImage's name. Grafana resources and providers update in place.
 * A code edit (a dashboard panel, an alert threshold) is run by swapping the module that holds
 * it for a wrapper of the real one that changes that one thing.
 */

type Plan = "create" | "delete" | "replace" | "update";

/** Inputs a provider can change without replacing the resource. */
const UPDATABLE: Readonly<Record<string, readonly string[]>> = {
  "docker:index/remoteImage:RemoteImage": ["keepLocally", "forceRemove"],
};
const REPLACE_ON_ANY_CHANGE = [
  "docker:index/container:Container",
  "docker:index/volume:Volume",
  "docker:index/network:Network",
];

function stable(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

function classify(type: string, changed: readonly string[]): Plan {
  if (REPLACE_ON_ANY_CHANGE.includes(type)) return "replace";
  if (type.startsWith("docker:"))
    return changed.every((k) => (UPDATABLE[type] ?? []).includes(k)) ? "update" : "replace";
  return "update";
}

const key = (r: Registered) => `${r.type}::${r.name}`;

/** The plan of every resource that changes between two runs, by resource name. */
function plan(before: readonly Registered[], after: readonly Registered[]): Record<string, Plan> {
  const result: Record<string, Plan> = {};
  const old = new Map(before.map((r) => [key(r), r]));
  const next = new Map(after.map((r) => [key(r), r]));
  for (const [k, r] of next) {
    if (r.type.startsWith("timemanager:")) continue;
    const prev = old.get(k);
    if (prev === undefined) {
      result[r.name] = "create";
      continue;
    }
    const names = new Set([...Object.keys(prev.inputs), ...Object.keys(r.inputs)]);
    // Pulumi leaves an ignoreChanges property as it is in the state: no diff, so no plan.
    const changed = [...names].filter(
      (n) => !r.ignoreChanges.includes(n) && stable(prev.inputs[n]) !== stable(r.inputs[n]),
    );
    if (changed.length > 0) result[r.name] = classify(r.type, changed);
  }
  for (const [k, r] of old)
    if (!next.has(k) && !r.type.startsWith("timemanager:")) result[r.name] = "delete";
  return result;
}

const PROD_PASSWORD = "correct-horse-battery-staple";
const prod = { ...stackFileConfig("prod"), grafanaAdminPassword: PROD_PASSWORD };
const SECRETS = ["grafanaAdminPassword", "alertWebhookUrl"];

async function edit(
  stack: string,
  base: Record<string, string>,
  change: Record<string, string>,
): Promise<{ plan: Record<string, Plan>; volumes: string[] }> {
  const before = await runProgram(stack, base, SECRETS);
  const after = await runProgram(stack, { ...base, ...change }, SECRETS);
  const volumes = after.resources
    .filter((r) => r.type === "docker:index/volume:Volume")
    .map((r) => r.name);
  return { plan: plan(before.resources, after.resources), volumes };
}

describe("blast radius of a settings edit (prod)", () => {
  it("a webhook contact only adds Grafana's contact point and policy", async () => {
    const { plan: p } = await edit("prod", prod, {
      alertContact: "webhook",
      alertWebhookUrl: "https://hooks.example.org/a",
    });
    expect(p).toEqual({ "grafana-content-contact": "create", "grafana-content-policy": "create" });
  });

  it("an e-mail contact also replaces the Grafana container, for its SMTP settings", async () => {
    const { plan: p } = await edit("prod", prod, {
      alertContact: "email",
      alertEmails: '["oncall@example.org"]',
      smtpHost: "smtp.example.org:587",
    });
    expect(p).toEqual({
      "grafana-container": "replace",
      "grafana-content-contact": "create",
      "grafana-content-policy": "create",
    });
  });

  it("a webhook URL change updates the contact point in place", async () => {
    const webhook = {
      ...prod,
      alertContact: "webhook",
      alertWebhookUrl: "https://hooks.example.org/a",
    };
    const { plan: p } = await edit("prod", webhook, {
      alertWebhookUrl: "https://hooks.example.org/b",
    });
    expect(p).toEqual({ "grafana-content-contact": "update" });
  });

  it("a scrape target replaces only the Prometheus container (its config upload)", async () => {
    const { plan: p } = await edit("prod", prod, { backendTarget: "api:9000" });
    expect(p).toEqual({ "prometheus-container": "replace" });
  });

  it("Loki's retention replaces only the Loki container, never its volume", async () => {
    const { plan: p, volumes } = await edit("prod", prod, { lokiRetentionDays: "30" });
    expect(p).toEqual({ "loki-container": "replace" });
    expect(volumes).toContain("loki-data");
  });

  it("Loki's image replaces its image and container, not its volume", async () => {
    const { plan: p } = await edit("prod", prod, { lokiImage: "grafana/loki:3.7.7" });
    expect(p).toEqual({ "loki-container-image": "replace", "loki-container": "replace" });
  });

  it("a logShipper switch swaps the shippers, deleting nothing protected", async () => {
    // Given prod on Promtail, then on Alloy
    const before = (await runProgram("prod", prod)).resources;
    const after = (await runProgram("prod", { ...prod, logShipper: "alloy" })).resources;

    // When the plan is computed
    const p = plan(before, after);

    // Then only the shippers change, and Pulumi may delete what goes (a protected resource
    // would stop `pulumi up`); the positions volume stays on the host
    expect(p).toEqual({
      "promtail-container": "delete",
      "promtail-container-image": "delete",
      "promtail-data": "delete",
      "alloy-container": "create",
      "alloy-container-image": "create",
      "alloy-data": "create",
    });
    const deleted = before.filter((r) => p[r.name] === "delete");
    expect(Object.fromEntries(deleted.map((r) => [r.name, [r.protect, r.retainOnDelete]]))).toEqual(
      {
        "promtail-container": [false, false],
        "promtail-container-image": [false, false],
        "promtail-data": [false, true],
      },
    );
  });

  it("the Grafana password replaces the Grafana container and updates the Grafana provider", async () => {
    const { plan: p } = await edit("prod", prod, {
      grafanaAdminPassword: "another-long-passphrase",
    });
    expect(p).toEqual({ "grafana-container": "replace", "grafana-content-provider": "update" });
  });

  it("a compose project change replaces the containers, never a volume or a network", async () => {
    // (as when a stack deployed with the former default, time-manager, takes the new one)
    const { plan: p } = await edit(
      "prod",
      { ...prod, composeProject: "tm-old" },
      {
        composeProject: "timemanager-monitoring",
      },
    );
    expect(p).toEqual(
      Object.fromEntries(
        ["prometheus", "loki", "promtail", "tempo", "cadvisor", "grafana"].map((s) => [
          `${s}-container`,
          "replace",
        ]),
      ),
    );
  });

  it("no edit above touches a data volume or a network", async () => {
    const edits: Record<string, string>[] = [
      { backendTarget: "api:9000" },
      { lokiRetentionDays: "30" },
      { lokiImage: "grafana/loki:3.7.7" },
      { grafanaAdminPassword: "another-long-passphrase" },
    ];
    for (const change of edits) {
      const { plan: p } = await edit("prod", prod, change);
      expect(Object.keys(p).filter((n) => n.endsWith("-data") || n.startsWith("networks"))).toEqual(
        [],
      );
    }
  });
});

describe("blast radius in dev", () => {
  it("the Grafana password replaces the Grafana container and updates the provider", async () => {
    const { plan: p } = await edit("dev", stackFileConfig("dev"), {
      grafanaAdminPassword: PROD_PASSWORD,
    });
    expect(p).toEqual({ "grafana-container": "replace", "grafana-content-provider": "update" });
  });
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

/** The prod program before a code edit, with it, and once more without it. */
async function codeEdit(modules: RunOptions["modules"]): Promise<{
  plan: Record<string, Plan>;
  before: Registered[];
  after: Registered[];
  restored: Registered[];
}> {
  const before = (await runProgram("prod", prod, SECRETS)).resources;
  const after = (await runProgram("prod", prod, SECRETS, { modules })).resources;
  const restored = (await runProgram("prod", prod, SECRETS)).resources;
  return { plan: plan(before, after), before, after, restored };
}

function inputsOf(resources: readonly Registered[], name: string): Record<string, unknown> {
  const found = resources.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no resource ${name}`);
  return found.inputs;
}

/** Every panel title of the dashboard resource's model, rows' nested panels included. */
function panelTitles(resources: readonly Registered[]): string[] {
  interface Panel {
    title?: string;
    panels?: Panel[];
  }
  const model = JSON.parse(String(inputsOf(resources, "grafana-content-dashboard").configJson)) as {
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

function rules(resources: readonly Registered[]): RuleInput[] {
  return inputsOf(resources, "grafana-content-alerts").rules as RuleInput[];
}

/** The threshold (expression B's evaluator parameters) of one rule of the rule group. */
function thresholdOf(resources: readonly Registered[], uid: string): unknown {
  const rule = rules(resources).find((r) => r.uid === uid);
  const b = rule?.datas.find((d) => d.refId === "B");
  if (b === undefined) throw new Error(`no threshold expression in rule ${uid}`);
  const model = JSON.parse(b.model) as { conditions: { evaluator: { params: unknown } }[] };
  return model.conditions[0]?.evaluator.params;
}

describe("blast radius of a code edit (prod)", () => {
  it("a panel's title updates only the dashboard, in place", async () => {
    const { plan: p, before, after, restored } = await codeEdit(panelEdit);
    // The edit took: the new title is in the edited run's model and in no other.
    expect(panelTitles(before)).toContain("Total requests per second");
    expect(panelTitles(before)).not.toContain(EDITED_TITLE);
    expect(panelTitles(after)).toContain(EDITED_TITLE);
    expect(panelTitles(after)).not.toContain("Total requests per second");
    expect(p).toEqual({ "grafana-content-dashboard": "update" });
    // The swapped module does not outlive its run.
    expect(panelTitles(restored)).not.toContain(EDITED_TITLE);
    expect(plan(before, restored)).toEqual({});
  });

  it("an alert threshold updates only the rule group, in place", async () => {
    const { plan: p, before, after, restored } = await codeEdit(thresholdEdit);
    expect(thresholdOf(before, LATENCY_ALERT)).toEqual([2]);
    expect(thresholdOf(after, LATENCY_ALERT)).toEqual([3]);
    // Only that rule changed.
    const others = (rs: readonly Registered[]) =>
      stable(rules(rs).filter((r) => r.uid !== LATENCY_ALERT));
    expect(others(after)).toBe(others(before));
    expect(p).toEqual({ "grafana-content-alerts": "update" });
    expect(thresholdOf(restored, LATENCY_ALERT)).toEqual([2]);
    expect(plan(before, restored)).toEqual({});
  });
});
