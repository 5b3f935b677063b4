import type { Registered } from "./program";

/**
 * What `pulumi preview` plans for a change, computed from two runs of the program under mocks
 * (before and after an edit) and from each provider's own rules, read in its source and written
 * down below as data, one entry per resource type the program creates.
 *
 * How the engine decides, and how this model follows it:
 *
 * - A bridged (Terraform) provider replaces a resource when a changed input is ForceNew in the
 *   provider's schema, or when its CustomizeDiff calls ForceNew; any other change is an update.
 *   An update calls the provider's Update function, which applies some inputs to the live object
 *   (`update`) and only records the others in the state (`recordedOnly`: the Docker container's
 *   healthcheck, for one, changes nothing on a running container).
 * - Pulumi's own options come on top: an `ignoreChanges` input keeps its old value, so it never
 *   diffs; a `replaceOnChanges` input replaces on any change.
 * - A replacement creates the new resource before deleting the old one, unless it is
 *   delete-before-replace: when the program says so (`deleteBeforeReplace: true`), when the
 *   bridge's ResourceInfo says so (the Docker container), or when the resource's `name` is
 *   auto-named by the bridge and the program gives it explicitly (pulumi-terraform-bridge
 *   `nameRequiresDeleteBeforeReplace`: the new object would take the old one's name). The
 *   program's `deleteBeforeReplace: false` overrides the provider (pulumi/pulumi step_generator:
 *   "The user can override the provider's decision").
 * - Before a delete-before-replace, the engine also replaces, first, every resource with an input
 *   taken from the replaced one's outputs when that input forces a replacement in its own type
 *   (step_generator `calculateDependentReplacements`: the provider diffs the dependent with that
 *   input unknown). A dependent whose input only updates stays, and for a while refers to an
 *   object that is gone: the model reports it as a hazard, since a provider may refuse the delete
 *   (Grafana refuses to delete a contact point that the notification policy routes to).
 * - A dependent whose input is another resource's output changes only when that output does.
 *   For an output that echoes an input (a volume's or network's fixed `name`, a folder's `uid`,
 *   a contact point's `name`) the mocks give back the input, as the provider does; the one output
 *   the provider computes and the program passes on, a RemoteImage's `imageId`, is mocked as the
 *   image's name, so it changes exactly when the image is replaced. In a real preview a replaced
 *   image's id is unknown, and an unknown ForceNew input (the container's `image`) plans a
 *   replacement as well: same plan.
 * - A provider resource (`pulumi:providers:*`) updates in place unless the bridge marks a config
 *   key ForcesProviderReplace; a replaced provider would replace every resource it manages.
 */

/** What the engine does to one resource. */
export type Plan = "create" | "update" | "replace" | "delete";

/** Where the rules of a type were read. */
export interface Source {
  readonly repository: string;
  readonly path: string;
  /** Tag and commit the rules were read at. */
  readonly version: string;
  readonly note?: string;
}

/** How a provider diffs one resource type, by Pulumi input name. */
export interface TypeRules {
  readonly sources: readonly Source[];
  /** ForceNew inputs: any change replaces the resource. */
  readonly replace: readonly string[];
  /** Inputs the provider's Update applies to the live object. */
  readonly update: readonly string[];
  /** Neither ForceNew nor read by Update: a change only rewrites the state. */
  readonly recordedOnly?: readonly string[];
  /** Inputs a CustomizeDiff makes ForceNew for some changes only. */
  readonly replaceWhen?: Readonly<Record<string, (before: unknown, after: unknown) => boolean>>;
  /** Replacements delete first, whatever the inputs (bridge ResourceInfo.DeleteBeforeReplace). */
  readonly deleteBeforeReplace?: boolean;
  /** `name` is auto-named by the bridge (SetAutonaming): given explicitly, it deletes first. */
  readonly autoNamed?: boolean;
}

const DOCKER_UPSTREAM = {
  repository: "kreuzwerker/terraform-provider-docker",
  version: "v4.5.0 (5074970c71ce6cc393c74942d5d628943834beb9)",
};
const DOCKER_BRIDGE: Source = {
  repository: "pulumi/pulumi-docker",
  path: "provider/resources.go",
  version: "237b7899bb513613a7645e74d6981c12d054dcc7",
  note: 'SetAutonaming(255, "-"); the upstream submodule is at v4.5.0 since v5.1.0 (e944612c). @pulumi/docker 5.2.0 also has deviceCgroupRules, added upstream after v4.5.0 (kreuzwerker/terraform-provider-docker#975), whose source is not at hand: it is taken as ForceNew, like every other HostConfig input',
};
const GRAFANA_UPSTREAM = {
  repository: "grafana/terraform-provider-grafana",
  version:
    "v4.45.1 (7f3311691b0e124c55347f7204501fba77f61453); the same schema in v4.44.0 and at 3f9621f47",
};
const GRAFANA_BRIDGE: Source = {
  repository: "pulumiverse/pulumi-grafana",
  path: "provider/resources.go",
  version: "v2.38.0 (80b6fd72945aa72fc83292ac3a09d8b683a1e7ef)",
  note: 'bridges terraform-provider-grafana v4.44.0; SetAutonaming(255, "-"), no DeleteBeforeReplace, no ForcesProviderReplace. @pulumiverse/grafana 2.40.0 is later than the snapshot at hand; its inputs for these types are the ones below (tests/plan-model.test.ts)',
};
const grafanaFile = (file: string): Source => ({
  ...GRAFANA_UPSTREAM,
  path: `internal/resources/grafana/${file}`,
});
/** grafana_* resources: `org_id` (oss_org_id.go, orgIDAttribute) is ForceNew on each. */
const ORG_ID = "orgId";

/** The `uid` inside a dashboard model, as the provider's extractUID reads it. */
function dashboardUid(configJson: unknown): string {
  if (typeof configJson !== "string") return "";
  try {
    const uid = (JSON.parse(configJson) as { uid?: unknown }).uid;
    return typeof uid === "string" ? uid : "";
  } catch {
    return "";
  }
}

/** The contact point kinds (resource_alerting_contact_point_notifiers.go, `field:`), plural. */
const CONTACT_POINT_NOTIFIERS = [
  "alertmanagers",
  "dingdings",
  "discords",
  "emails",
  "googlechats",
  "jiras",
  "kafkas",
  "lines",
  "oncalls",
  "opsgenies",
  "pagerduties",
  "pushovers",
  "sensugos",
  "slacks",
  "sns",
  "teams",
  "telegrams",
  "threemas",
  "victorops",
  "webexes",
  "webhooks",
  "wecoms",
];

/** Every resource type the program creates, with its provider's rules. */
export const PROVIDER_RULES: Readonly<Partial<Record<string, TypeRules>>> = {
  "docker:index/container:Container": {
    sources: [
      {
        ...DOCKER_UPSTREAM,
        path: "internal/provider/resource_docker_container.go",
        note: "schema: ForceNew per attribute",
      },
      {
        ...DOCKER_UPSTREAM,
        path: "internal/provider/resource_docker_container_funcs.go",
        note: "resourceDockerContainerUpdate: ContainerUpdate with the restart policy and resources; must_run false -> true starts the container",
      },
      {
        ...DOCKER_BRIDGE,
        note: `docker_container: DeleteBeforeReplace: true. ${DOCKER_BRIDGE.note ?? ""}`,
      },
    ],
    replace: [
      "name",
      "readOnly",
      "image",
      "hostname",
      "domainname",
      "command",
      "entrypoints",
      "user",
      "dns",
      "dnsOpts",
      "dnsSearches",
      "publishAllPorts",
      "workingDir",
      "capabilities",
      "securityOpts",
      "runtime",
      "platform",
      "stopSignal",
      "stopTimeout",
      "mounts",
      "volumes",
      "ports",
      "hosts",
      "ulimits",
      "envs",
      "privileged",
      "devices",
      "deviceRequests",
      "deviceCgroupRules",
      "labels",
      "shmSize",
      "logDriver",
      "logOpts",
      "networkMode",
      "networksAdvanced",
      "pidMode",
      "usernsMode",
      "uploads",
      "sysctls",
      "ipcMode",
      "groupAdds",
      "tty",
      "stdinOpen",
      "storageOpts",
      "gpus",
      "cpus",
      "cgroupnsMode",
      "cgroupParent",
    ],
    update: [
      "restart",
      "maxRetryCount",
      "cpuShares",
      "memory",
      "memoryReservation",
      "cpuSet",
      "memorySwap",
      "deviceReadBps",
      "deviceReadIops",
      "deviceWriteBps",
      "deviceWriteIops",
      "mustRun",
    ],
    recordedOnly: [
      "rm",
      "start",
      "wait",
      "waitTimeout",
      "attach",
      "logs",
      "removeVolumes",
      "destroyGraceSeconds",
      "healthcheck",
      "tmpfs",
      "init",
      "containerReadRefreshTimeoutMilliseconds",
      "cpuPeriod",
      "cpuQuota",
    ],
    deleteBeforeReplace: true,
    autoNamed: true,
  },
  "docker:index/volume:Volume": {
    sources: [
      {
        ...DOCKER_UPSTREAM,
        path: "internal/provider/resource_docker_volume.go",
        note: "every attribute ForceNew but cluster; resourceDockerVolumeUpdate applies cluster.availability",
      },
      DOCKER_BRIDGE,
    ],
    replace: ["name", "labels", "driver", "driverOpts"],
    update: ["cluster"],
    autoNamed: true,
  },
  "docker:index/network:Network": {
    sources: [
      {
        ...DOCKER_UPSTREAM,
        path: "internal/provider/resource_docker_network.go",
        note: "every attribute ForceNew, no Update function",
      },
      DOCKER_BRIDGE,
    ],
    replace: [
      "name",
      "labels",
      "driver",
      "options",
      "internal",
      "attachable",
      "ingress",
      "ipv6",
      "ipamDriver",
      "ipamOptions",
      "ipamConfigs",
    ],
    update: [],
    autoNamed: true,
  },
  "docker:index/remoteImage:RemoteImage": {
    sources: [
      {
        ...DOCKER_UPSTREAM,
        path: "internal/provider/resource_docker_image.go",
        note: "name, pull_triggers, triggers, platform ForceNew; resourceDockerImageUpdate re-reads the image",
      },
      { ...DOCKER_BRIDGE, note: "docker_image: Fields name, so not auto-named" },
    ],
    replace: ["name", "pullTriggers", "triggers", "platform"],
    update: ["keepLocally", "forceRemove", "build"],
  },
  "grafana:oss/dataSource:DataSource": {
    sources: [grafanaFile("resource_data_source.go"), GRAFANA_BRIDGE],
    replace: [ORG_ID, "uid"],
    update: [
      "name",
      "type",
      "accessMode",
      "basicAuthEnabled",
      "basicAuthUsername",
      "databaseName",
      "httpHeaders",
      "isDefault",
      "url",
      "username",
      "jsonDataEncoded",
      "secureJsonDataEncoded",
      "privateDataSourceConnectNetworkId",
    ],
    autoNamed: true,
  },
  "grafana:oss/folder:Folder": {
    sources: [grafanaFile("resource_folder.go"), GRAFANA_BRIDGE],
    replace: [ORG_ID, "uid"],
    update: ["title", "preventDestroyIfNotEmpty", "parentFolderUid"],
  },
  "grafana:oss/dashboard:Dashboard": {
    sources: [
      {
        ...grafanaFile("resource_dashboard.go"),
        note: "CustomizeDiff: ForceNew on config_json when the model's uid changes (extractUID)",
      },
      GRAFANA_BRIDGE,
    ],
    replace: [ORG_ID],
    replaceWhen: {
      configJson: (before, after) => dashboardUid(before) !== dashboardUid(after),
    },
    update: ["configJson", "folder", "overwrite", "message"],
  },
  "grafana:alerting/ruleGroup:RuleGroup": {
    sources: [grafanaFile("resource_alerting_rule_group.go"), GRAFANA_BRIDGE],
    replace: [ORG_ID, "name", "folderUid"],
    update: ["intervalSeconds", "disableProvenance", "rules"],
    autoNamed: true,
  },
  "grafana:alerting/contactPoint:ContactPoint": {
    sources: [
      grafanaFile("resource_alerting_contact_point.go"),
      {
        ...grafanaFile("resource_alerting_contact_point_notifiers.go"),
        note: "no ForceNew in any notifier",
      },
      GRAFANA_BRIDGE,
    ],
    replace: [ORG_ID, "name", "disableProvenance"],
    update: CONTACT_POINT_NOTIFIERS,
    autoNamed: true,
  },
  "grafana:alerting/notificationPolicy:NotificationPolicy": {
    sources: [grafanaFile("resource_alerting_notification_policy.go"), GRAFANA_BRIDGE],
    replace: [ORG_ID],
    update: [
      "contactPoint",
      "disableProvenance",
      "groupBies",
      "groupWait",
      "groupInterval",
      "repeatInterval",
      "policies",
    ],
  },
  "pulumi:providers:grafana": {
    sources: [
      {
        repository: "pulumi/pulumi-terraform-bridge",
        path: "pkg/tfbridge/provider.go",
        version: "v3.125.0 (b09c0ffeb205726946fae4ebb3c0cbf32104b315)",
        note: "configDiffer.DiffConfig: a config change replaces the provider only for a key marked ForcesProviderReplace",
      },
      GRAFANA_BRIDGE,
    ],
    replace: [],
    update: [
      "auth",
      "caCert",
      "cloudAccessPolicyToken",
      "cloudApiUrl",
      "cloudProviderAccessToken",
      "cloudProviderUrl",
      "connectionsApiAccessToken",
      "connectionsApiUrl",
      "fleetManagementAuth",
      "fleetManagementUrl",
      "frontendO11yApiAccessToken",
      "frontendO11yApiUrl",
      "httpHeaders",
      "insecureSkipVerify",
      "k6AccessToken",
      "k6Url",
      "oncallAccessToken",
      "oncallUrl",
      "orgId",
      "retries",
      "retryStatusCodes",
      "retryWait",
      "smAccessToken",
      "smUrl",
      "stackId",
      "storeDashboardSha256",
      "tlsCert",
      "tlsKey",
      "url",
    ],
  },
};

/** Every input a type's rules classify, once each. */
export function classifiedInputs(rules: TypeRules): string[] {
  return [
    ...new Set([
      ...rules.replace,
      ...rules.update,
      ...(rules.recordedOnly ?? []),
      ...Object.keys(rules.replaceWhen ?? {}),
    ]),
  ];
}

/** What the engine plans for one resource. */
export interface Step {
  readonly type: string;
  readonly name: string;
  readonly plan: Plan;
  /** The inputs that differ (update and replace). */
  readonly changed: readonly string[];
  /** Replace: the inputs that force it. */
  readonly replacedBy?: readonly string[];
  /** Replace: the old resource is deleted before the new one is created. */
  readonly deleteFirst?: boolean;
  /** Update: nothing changes on the live object, only in the state. */
  readonly recordedOnly?: boolean;
  /** What the resource was registered with, before the edit (after it, for a create). */
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
}

/** A delete-before-replace that deletes an object another resource still refers to. */
export interface Hazard {
  /** The resource deleted first. */
  readonly deleted: string;
  /** The resource that keeps referring to it, and through which input. */
  readonly dependent: string;
  readonly input: string;
}

export interface PlanResult {
  /** One step per resource the edit touches, by name. */
  readonly steps: Readonly<Record<string, Step>>;
  readonly hazards: readonly Hazard[];
}

/** JSON with sorted keys: two inputs are equal when this is. */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** The program's own components: they have no provider, only children. */
const isComponent = (r: Registered): boolean => r.type.startsWith("timemanager:");

/** The rules of a type; an unknown type is an error, not a guess. */
export function rulesOf(type: string): TypeRules {
  const rules = PROVIDER_RULES[type];
  if (rules === undefined)
    throw new Error(`no provider rules for ${type}: read its provider's source and add them`);
  return rules;
}

/**
 * How the provider plans a change of `changed` inputs of one resource, Pulumi's options
 * included. An input the rules do not know is an error.
 */
export function classify(
  resource: Pick<Registered, "type" | "name" | "replaceOnChanges">,
  changed: readonly string[],
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): { plan: "update" | "replace"; replacedBy: string[]; recordedOnly: boolean } {
  const rules = rulesOf(resource.type);
  const known = classifiedInputs(rules);
  const unknown = changed.filter((k) => !known.includes(k));
  if (unknown.length > 0)
    throw new Error(
      `${resource.type} ${resource.name}: no rule for ${unknown.join(", ")}; read the provider's source`,
    );
  const replaceOnChanges = resource.replaceOnChanges ?? [];
  const replacedBy = changed.filter(
    (k) =>
      rules.replace.includes(k) ||
      replaceOnChanges.includes(k) ||
      replaceOnChanges.includes("*") ||
      rules.replaceWhen?.[k]?.(before[k], after[k]) === true,
  );
  if (replacedBy.length > 0) return { plan: "replace", replacedBy, recordedOnly: false };
  const recordedOnly = changed.every((k) => (rules.recordedOnly ?? []).includes(k));
  return { plan: "update", replacedBy: [], recordedOnly };
}

/** Whether the engine deletes the old resource before it creates the replacement. */
export function deletesFirst(r: Registered): boolean {
  if (r.createBeforeDelete === true) return false;
  if (r.deleteBeforeReplace === true) return true;
  const rules = rulesOf(r.type);
  return rules.deleteBeforeReplace === true || (rules.autoNamed === true && "name" in r.inputs);
}

const key = (r: Pick<Registered, "type" | "name">) => `${r.type}::${r.name}`;

/** The plan of every resource that changes between two runs of the program. */
export function plan(before: readonly Registered[], after: readonly Registered[]): PlanResult {
  const steps = new Map<string, Step>();
  const old = new Map(before.filter((r) => !isComponent(r)).map((r) => [key(r), r]));
  const next = new Map(after.filter((r) => !isComponent(r)).map((r) => [key(r), r]));
  const options = (r: Registered) => ({
    protect: r.protect ?? false,
    retainOnDelete: r.retainOnDelete ?? false,
  });
  for (const [k, r] of next) {
    const prev = old.get(k);
    if (prev === undefined) {
      steps.set(r.name, { type: r.type, name: r.name, plan: "create", changed: [], ...options(r) });
      continue;
    }
    const names = [...new Set([...Object.keys(prev.inputs), ...Object.keys(r.inputs)])];
    // An ignoreChanges input keeps the value in the state: no diff.
    const changed = names.filter(
      (n) => !r.ignoreChanges.includes(n) && stable(prev.inputs[n]) !== stable(r.inputs[n]),
    );
    if (changed.length === 0) continue;
    const { plan: p, replacedBy, recordedOnly } = classify(r, changed, prev.inputs, r.inputs);
    steps.set(r.name, {
      type: r.type,
      name: r.name,
      plan: p,
      changed,
      ...options(prev),
      ...(p === "replace" ? { replacedBy, deleteFirst: deletesFirst(r) } : { recordedOnly }),
    });
  }
  for (const [k, r] of old)
    if (!next.has(k))
      steps.set(r.name, { type: r.type, name: r.name, plan: "delete", changed: [], ...options(r) });

  // A replaced provider replaces everything it manages.
  const replaced = (name: string) => steps.get(name)?.plan === "replace";
  for (const p of next.values())
    if (p.type.startsWith("pulumi:providers:") && replaced(p.name))
      for (const r of next.values())
        if (r.provider?.split("::")[3] === p.name && steps.get(r.name)?.plan !== "create")
          steps.set(r.name, {
            type: r.type,
            name: r.name,
            plan: "replace",
            changed: steps.get(r.name)?.changed ?? [],
            replacedBy: [`provider ${p.name}`],
            deleteFirst: deletesFirst(r),
            ...options(r),
          });

  const hazards = deleteFirstDependents(steps, [...next.values()]);
  return { steps: Object.fromEntries(steps), hazards };
}

/**
 * For each delete-first replacement, its dependents by input: those whose input forces a
 * replacement go first (the engine replaces them too); the others keep referring to the deleted
 * object until they are updated, which is a hazard.
 */
function deleteFirstDependents(steps: Map<string, Step>, next: readonly Registered[]): Hazard[] {
  const hazards: Hazard[] = [];
  let grew = true;
  while (grew) {
    grew = false;
    for (const root of [...steps.values()]) {
      if (root.plan !== "replace" || root.deleteFirst !== true) continue;
      for (const d of next) {
        for (const [input, sources] of Object.entries(d.propertyDependencies ?? {})) {
          const step = steps.get(d.name);
          if (!sources.includes(root.name) || step?.plan === "replace" || step?.plan === "create")
            continue;
          if (rulesOf(d.type).replace.includes(input)) {
            steps.set(d.name, {
              type: d.type,
              name: d.name,
              plan: "replace",
              changed: step?.changed ?? [],
              replacedBy: [`${input} (from ${root.name})`],
              deleteFirst: true,
              protect: d.protect ?? false,
              retainOnDelete: d.retainOnDelete ?? false,
            });
            grew = true;
          } else if (!hazards.some((h) => h.deleted === root.name && h.dependent === d.name)) {
            hazards.push({ deleted: root.name, dependent: d.name, input });
          }
        }
      }
    }
  }
  return hazards;
}

/** One row of the README's blast-radius table: an edit and what it plans. */
export interface TableRow {
  /** The edit, as the table's first cell (markdown). */
  readonly edit: string;
  readonly result: PlanResult;
  /** Every resource of the run after the edit. */
  readonly after: readonly Registered[];
}

const KINDS: Readonly<Partial<Record<string, string>>> = {
  "docker:index/container:Container": "container",
  "docker:index/remoteImage:RemoteImage": "image",
  "docker:index/volume:Volume": "volume",
  "docker:index/network:Network": "network",
};

/** The resources of some steps, by name; "every container (6)" when they are all there are. */
function names(steps: readonly Step[], after: readonly Registered[]): string {
  if (steps.length === 0) return "-";
  const types = [...new Set(steps.map((s) => s.type))];
  return types
    .flatMap((type) => {
      const ofType = steps.filter((s) => s.type === type);
      const all = after.filter((r) => r.type === type).length;
      const kind = KINDS[type];
      if (kind !== undefined && all > 1 && ofType.length === all)
        return [`every ${kind} (${String(all)})`];
      return ofType.map((s) => `\`${s.name}\`${s.recordedOnly === true ? " (state only)" : ""}`);
    })
    .join(", ");
}

/** What happens to the volumes: nothing, or their plans and what stops or keeps each. */
function volumes(steps: readonly Step[]): string {
  const touched = steps.filter((s) => s.type === "docker:index/volume:Volume");
  if (touched.length === 0) return "untouched";
  const outcome = (s: Step): string => {
    if (s.plan === "create") return "created";
    const done = s.plan === "delete" ? "deleted" : s.plan === "replace" ? "replaced" : "updated";
    if (s.protect && s.plan !== "update") return `${done}: refused, protected`;
    if (s.plan === "delete") return s.retainOnDelete ? "deleted, kept on the host" : "deleted";
    return s.plan === "replace" ? "replaced: emptied" : done;
  };
  const outcomes = [...new Set(touched.map(outcome))];
  return outcomes
    .map((o) => {
      const named = touched.filter((s) => outcome(s) === o).map((s) => `\`${s.name}\``);
      return `${named.join(", ")} ${o}`;
    })
    .join("; ");
}

/** The README's table of typical edits, from their computed plans. */
export function renderBlastRadiusTable(rows: readonly TableRow[]): string {
  const header = ["Edit", "Replaced", "Updated in place", "Created", "Deleted", "Data volumes"];
  const lines = rows.map(({ edit, result, after }) => {
    const steps = Object.values(result.steps);
    const of = (p: Plan) =>
      names(
        steps.filter((s) => s.plan === p),
        after,
      );
    return [edit, of("replace"), of("update"), of("create"), of("delete"), volumes(steps)];
  });
  return [header, header.map(() => "---"), ...lines]
    .map((cells) => `| ${cells.join(" | ")} |`)
    .join("\n");
}
