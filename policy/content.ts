/**
 * The platform-neutral rule set: what a user sees (Grafana's datasources, dashboards and alert
 * rules) and the services' config files, the same on both platforms. Config files are read where
 * each platform keeps them: a Docker container's uploads, a Kubernetes ConfigMap's data.
 */
import type {
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { parse } from "yaml";
import { DOCKER_TYPES } from "./docker";
import { KUBERNETES_TYPES } from "./kubernetes";
import { type Subject, forType, isRecord, isUnknown, parseJson, records, str } from "./lib";

export const GRAFANA_TYPES = {
  dataSource: "grafana:oss/dataSource:DataSource",
  dashboard: "grafana:oss/dashboard:Dashboard",
  ruleGroup: "grafana:alerting/ruleGroup:RuleGroup",
} as const;

/** Datasource UIDs Grafana provides itself: expressions, the built-in, mixed and dashboard ones. */
const BUILT_IN_DATASOURCE_UIDS = [
  "__expr__",
  "-- Grafana --",
  "grafana",
  "-- Mixed --",
  "-- Dashboard --",
];

// ---------------------------------------------------------------------------------------------
// Mandatory resource policies.

/** A datasource has a fixed UID, so dashboards and alert rules can reference it. */
export const datasourceFixedUid: ResourceValidationPolicy = {
  name: "grafana-datasource-fixed-uid",
  description: "Every Grafana datasource sets its uid.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: forType([GRAFANA_TYPES.dataSource], (args, report) => {
    const uid = args.props.uid;
    if (isUnknown(uid)) return;
    if (typeof uid !== "string" || uid.trim() === "")
      report(
        `Datasource ${args.name} has no uid: Grafana generates one per creation, and every dashboard panel and alert rule that references it breaks when it is re-created. Set uid.`,
      );
  }),
};

/** A config file a service reads, as each platform hands it over. */
interface ConfigFile {
  readonly file: string;
  readonly content: string;
}

/** A container's uploads (Docker) or a ConfigMap's entries (Kubernetes, e.g. the Loki chart's). */
function configFiles(subject: Subject): ConfigFile[] {
  if (subject.type === KUBERNETES_TYPES.configMap) {
    const data = isRecord(subject.props.data) ? subject.props.data : {};
    return Object.entries(data).flatMap(([file, v]) => {
      const content = str(v);
      return content === undefined ? [] : [{ file, content }];
    });
  }
  return records(subject.props.uploads).flatMap((upload) => {
    const base64 = str(upload.contentBase64);
    const content =
      str(upload.content) ??
      (base64 !== undefined ? Buffer.from(base64, "base64").toString("utf8") : undefined);
    return content === undefined ? [] : [{ file: String(upload.file), content }];
  });
}

/**
 * The compactor enforces a retention period: without it logs are kept for ever. Read in a Docker
 * container's uploads and in a Kubernetes ConfigMap (where the Loki chart renders config.yaml).
 */
export const lokiRetentionCompactor: ResourceValidationPolicy = {
  name: "loki-retention-needs-compactor",
  description:
    "A Loki config that sets limits_config.retention_period enables compactor.retention_enabled and sets compactor.delete_request_store.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: forType(
    [DOCKER_TYPES.container, KUBERNETES_TYPES.configMap],
    (args, report) => {
      for (const { file, content } of configFiles(args)) {
        let config: unknown;
        try {
          config = parse(content);
        } catch {
          continue;
        }
        if (!isRecord(config) || !isRecord(config.limits_config)) continue;
        const value = config.limits_config.retention_period;
        if (typeof value !== "string" && typeof value !== "number") continue;
        const retention = String(value);
        if (/^0+[a-z]*$/.test(retention)) continue;
        const compactor = isRecord(config.compactor) ? config.compactor : {};
        const problems = [
          ...(compactor.retention_enabled === true
            ? []
            : ["compactor.retention_enabled is not true"]),
          ...(str(compactor.delete_request_store)
            ? []
            : ["compactor.delete_request_store is not set"]),
        ];
        if (problems.length > 0)
          report(
            `Loki config ${file} in ${args.name} sets retention_period ${retention} but ${problems.join(" and ")}: the compactor never deletes anything and logs are kept for ever.`,
          );
      }
    },
  ),
};

// ---------------------------------------------------------------------------------------------
// Mandatory stack policy.

/** A datasource reference of a dashboard or a rule group, and where it was found. */
interface DatasourceReference {
  readonly uid: string;
  readonly where: string;
}

/** Every `datasource: { uid }` and `datasourceUid` inside a value, skipping Grafana's own. */
export function datasourceReferences(value: unknown, where: string): DatasourceReference[] {
  const found: DatasourceReference[] = [];
  const add = (uid: unknown, path: string) => {
    const s = str(uid);
    if (s === undefined || s === "" || s.startsWith("$") || BUILT_IN_DATASOURCE_UIDS.includes(s))
      return;
    found.push({ uid: s, where: path });
  };
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, `${path}[${String(i)}]`);
      });
      return;
    }
    if (!isRecord(v)) return;
    for (const [k, child] of Object.entries(v)) {
      if (k === "datasource" && isRecord(child)) add(child.uid, `${path}.datasource.uid`);
      else if (k === "datasourceUid") add(child, `${path}.datasourceUid`);
      // Rule queries and datasource settings carry their models as JSON strings.
      else if ((k === "model" || k === "jsonDataEncoded") && typeof child === "string")
        walk(parseJson(child), `${path}.${k}`);
      walk(child, `${path}.${k}`);
    }
  };
  walk(value, where);
  return found;
}

/**
 * Every datasource UID a dashboard panel or target, an alert rule query or a datasource's own
 * links (exemplars, derived fields, traces-to-logs) point at is created by this stack. Values not
 * known at preview time, template variables (`${ds}`) and Grafana's built-in UIDs are skipped.
 */
export const datasourceReferencesExist: StackValidationPolicy = {
  name: "grafana-datasource-references-exist",
  description:
    "Dashboards, alert rules and datasource links reference only datasource UIDs the stack creates.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, report) => {
    const created = new Set(
      args.resources
        .filter((r) => r.type === GRAFANA_TYPES.dataSource)
        .map((r) => str(r.props.uid))
        .filter((uid): uid is string => uid !== undefined),
    );
    const references = (r: PolicyResource): DatasourceReference[] => {
      if (r.type === GRAFANA_TYPES.dashboard) {
        const json = str(r.props.configJson);
        return json === undefined ? [] : datasourceReferences(parseJson(json), r.name);
      }
      if (r.type === GRAFANA_TYPES.ruleGroup || r.type === GRAFANA_TYPES.dataSource)
        return datasourceReferences(r.props, r.name);
      return [];
    };
    for (const r of args.resources) {
      for (const ref of references(r)) {
        if (created.has(ref.uid)) continue;
        report(
          `${ref.where} references datasource uid "${ref.uid}", which this stack does not create (it creates: ${[...created].sort().join(", ") || "none"}).`,
          r.urn,
        );
      }
    }
  },
};

export const CONTENT_RESOURCE_POLICIES: readonly ResourceValidationPolicy[] = [
  datasourceFixedUid,
  lokiRetentionCompactor,
];

export const CONTENT_STACK_POLICIES: readonly StackValidationPolicy[] = [datasourceReferencesExist];
