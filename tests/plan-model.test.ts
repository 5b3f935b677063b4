import * as fs from "node:fs";
import * as path from "node:path";
import {
  PROVIDER_RULES,
  type TypeRules,
  classifiedInputs,
  classify,
  deletesFirst,
  plan,
} from "./helpers/plan-model";
import { type Registered, runProgram, stackFileConfig } from "./helpers/program";

/*
 * The plan model's rules against the pinned SDKs, and its classification on small, hand-made
 * before/after pairs. The blast-radius tests apply it to the whole program.
 */

const NODE_MODULES = path.join(__dirname, "..", "node_modules");

/** Where the pinned SDK declares a type's inputs: its `<Name>Args` interface. */
function sdkDeclaration(type: string): { file: string; args: string } {
  if (type.startsWith("pulumi:providers:")) {
    const pkg = type.split(":")[2] === "grafana" ? "@pulumiverse/grafana" : `@pulumi/${type}`;
    return { file: path.join(NODE_MODULES, pkg, "provider.d.ts"), args: "ProviderArgs" };
  }
  const [pkg, module, name] = type.split(":");
  const dir = module.split("/")[0];
  const sdk = pkg === "grafana" ? "@pulumiverse/grafana" : `@pulumi/${pkg}`;
  const file = `${name.charAt(0).toLowerCase()}${name.slice(1)}.d.ts`;
  return {
    file: path.join(NODE_MODULES, sdk, dir === "index" ? "" : dir, file),
    args: `${name}Args`,
  };
}

/** The input names of the pinned SDK's `<Name>Args` for a type. */
function sdkInputs(type: string): string[] {
  const { file, args } = sdkDeclaration(type);
  const text = fs.readFileSync(file, "utf8");
  const body = new RegExp(`^export interface ${args} \\{\\n([\\s\\S]*?)^\\}`, "m").exec(text)?.[1];
  if (body === undefined) throw new Error(`no ${args} in ${file}`);
  return [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]).sort();
}

const TYPES = Object.keys(PROVIDER_RULES);
const rules = (type: string): TypeRules => {
  const found = PROVIDER_RULES[type];
  if (found === undefined) throw new Error(type);
  return found;
};

/** A registered resource as the harness records it, for hand-made plans. */
function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<Registered> = {},
): Registered {
  return { type, name, inputs, ignoreChanges: [], dependsOn: [], ...extra };
}

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const DASHBOARD = "grafana:oss/dashboard:Dashboard";
const CONTACT_POINT = "grafana:alerting/contactPoint:ContactPoint";
const POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy";

describe("the plan model's rules", () => {
  it.each(TYPES)("%s: classify exactly the inputs of the pinned SDK", (type) => {
    // Given the inputs the installed SDK declares for the type
    const declared = sdkInputs(type);
    // Then each has a rule, and no rule names an input the SDK lacks
    const { replace, update, recordedOnly = [] } = rules(type);
    expect(classifiedInputs(rules(type)).sort()).toEqual(declared);
    // And no input is both ForceNew and updated in place, or applied and only recorded
    expect(replace.filter((k) => update.includes(k) || recordedOnly.includes(k))).toEqual([]);
    expect(update.filter((k) => recordedOnly.includes(k))).toEqual([]);
  });

  it.each(TYPES)("%s: cites its provider source with a version", (type) => {
    for (const source of rules(type).sources) {
      expect(source.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(source.path).toMatch(/\.go$/);
      expect(source.version).toMatch(/[0-9a-f]{8,40}/);
    }
  });

  it("covers every resource type the program registers, on both shippers and with contacts", async () => {
    // Given the program's resources in the configurations that register the most types
    // (one after the other: Pulumi's runtime state is global)
    const dev = await runProgram("dev", {
      ...stackFileConfig("dev"),
      logShipper: "alloy",
      createAppNetwork: "true",
    });
    const prod = await runProgram(
      "prod",
      {
        ...stackFileConfig("prod"),
        grafanaAdminPassword: "correct-horse-battery-staple",
        alertContact: "webhook",
        alertWebhookUrl: "https://hooks.example.org/a",
      },
      ["grafanaAdminPassword", "alertWebhookUrl"],
    );
    const runs = [dev, prod];
    const types = new Set(
      runs
        .flatMap((r) => r.resources.map((x) => x.type))
        .filter((t) => !t.startsWith("timemanager:")),
    );
    // Then the model knows each of them, and no more
    expect([...types].sort()).toEqual([...TYPES].sort());
  });
});

describe("classify", () => {
  const loki = resource(CONTAINER, "loki-container", {});

  it.each([
    [["memory", "memorySwap"], "update"],
    [["restart"], "update"],
    [["uploads"], "replace"],
    [["envs"], "replace"],
    [["image"], "replace"],
    [["memory", "command"], "replace"],
  ])("a container change of %j plans %s", (changed, expected) => {
    expect(classify(loki, changed, {}, {}).plan).toBe(expected);
  });

  it("a container's healthcheck is an update the provider only records", () => {
    // resourceDockerContainerUpdate never reads healthcheck: the running container keeps its own
    expect(classify(loki, ["healthcheck"], {}, {})).toEqual({
      plan: "update",
      replacedBy: [],
      recordedOnly: true,
    });
    expect(classify(loki, ["healthcheck", "memory"], {}, {}).recordedOnly).toBe(false);
  });

  it("replaceOnChanges turns an in-place update into a replacement", () => {
    const pinned = { ...loki, replaceOnChanges: ["memory"] };
    expect(classify(pinned, ["memory"], {}, {}).plan).toBe("replace");
  });

  it("a dashboard's model updates in place unless its uid changes (CustomizeDiff)", () => {
    const dashboard = resource(DASHBOARD, "dashboard", {});
    const model = (uid: string, title: string) => ({ configJson: JSON.stringify({ uid, title }) });
    const change = (before: Record<string, unknown>, after: Record<string, unknown>) =>
      classify(dashboard, ["configJson"], before, after).plan;
    expect(change(model("a", "Old"), model("a", "New"))).toBe("update");
    expect(change(model("a", "Old"), model("b", "Old"))).toBe("replace");
  });

  it("refuses an input it has no rule for, and a type it does not know", () => {
    expect(() => classify(loki, ["colour"], {}, {})).toThrow(
      "docker:index/container:Container loki-container: no rule for colour",
    );
    expect(() => classify(resource("aws:s3/bucket:Bucket", "b", {}), ["acl"], {}, {})).toThrow(
      "no provider rules for aws:s3/bucket:Bucket",
    );
  });
});

describe("replacement order", () => {
  it.each([
    ["a container (the bridge's DeleteBeforeReplace)", resource(CONTAINER, "c", {}), true],
    [
      "a contact point named by the program (an auto-named name)",
      resource(CONTACT_POINT, "cp", { name: "x" }),
      true,
    ],
    [
      "the same, with deleteBeforeReplace: false",
      resource(CONTACT_POINT, "cp", { name: "x" }, { createBeforeDelete: true }),
      false,
    ],
    ["a dashboard (no name)", resource(DASHBOARD, "d", { configJson: "{}" }), false],
  ])("%s deletes first: %s", (_, r, expected) => {
    expect(deletesFirst(r)).toBe(expected);
  });
});

describe("plan", () => {
  const volume = (name: string) =>
    resource(VOLUME, "loki-data", { name, labels: [] }, { ignoreChanges: ["labels"] });
  const container = (source: string) =>
    resource(
      CONTAINER,
      "loki-container",
      { name: "loki", mounts: [{ source }] },
      { deleteBeforeReplace: true, propertyDependencies: { mounts: ["loki-data"] } },
    );

  it("ignores a change to an ignoreChanges input", () => {
    const before = { ...volume("v"), inputs: { name: "v", labels: ["a"] } };
    const after = { ...volume("v"), inputs: { name: "v", labels: ["b"] } };
    expect(plan([before], [after]).steps).toEqual({});
  });

  it("replaces a volume's dependents first when it is deleted first", () => {
    // Given a volume whose name changes and a container mounting it by that name
    const result = plan([volume("a"), container("a")], [volume("b"), container("b")]);
    // Then both are replaced, delete first, with no hazard
    expect(
      Object.values(result.steps).map((s) => [s.name, s.plan, s.deleteFirst, s.replacedBy]),
    ).toEqual([
      ["loki-data", "replace", true, ["name"]],
      ["loki-container", "replace", true, ["mounts"]],
    ]);
    expect(result.hazards).toEqual([]);
  });

  it("reports a dependent left referring to an object deleted first", () => {
    // Given a contact point renamed, deleted first, and the policy routing to it by name
    const point = (name: string, extra: Partial<Registered> = {}) =>
      resource(CONTACT_POINT, "contact", { name }, extra);
    const policy = (name: string) =>
      resource(
        POLICY,
        "policy",
        { contactPoint: name },
        { propertyDependencies: { contactPoint: ["contact"] } },
      );
    const result = plan([point("a"), policy("a")], [point("b"), policy("b")]);
    // Then the policy is only updated, and still routes to the deleted contact point meanwhile
    expect(result.hazards).toEqual([
      { deleted: "contact", dependent: "policy", input: "contactPoint" },
    ]);
    // And with create-before-delete the old one goes last, once the policy moved on
    const safe = plan(
      [point("a", { createBeforeDelete: true }), policy("a")],
      [point("b", { createBeforeDelete: true }), policy("b")],
    );
    expect(safe.hazards).toEqual([]);
    expect(safe.steps.contact.deleteFirst).toBe(false);
  });
});
