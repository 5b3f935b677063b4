/**
 * Engine events as the Pulumi CLI sends them to the Automation API's `onEvent` (one JSON object
 * per event; the shapes of node_modules/@pulumi/pulumi/automation/events.d.ts), for two runs of
 * this program's dev stack: an update that creates, updates and replaces, and a first `up` whose
 * Grafana container fails. Written by hand in the engine's format: this machine has no Pulumi CLI
 * to record them from. Timestamps are Unix seconds, as the engine's.
 */
import type { EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";

export const T0 = 1767225600;
const PROJECT = "timemanager-monitoring";

/** A URN of the dev stack: the resource's type behind its parents' types, then its name. */
export const urn = (types: string, name: string) => `urn:pulumi:dev::${PROJECT}::${types}::${name}`;

export const STACK = urn("pulumi:pulumi:Stack", `${PROJECT}-dev`);
export const ALLOY_IMAGE = urn(
  "timemanager:monitoring:Alloy$docker:index/remoteImage:RemoteImage",
  "alloy-container-image",
);
export const DASHBOARD = urn(
  "timemanager:monitoring:GrafanaContent$grafana:oss/dashboard:Dashboard",
  "grafana-content-dashboard",
);
export const PROMETHEUS = urn(
  "timemanager:monitoring:Prometheus$docker:index/container:Container",
  "prometheus-container",
);
export const NETWORK = urn(
  "timemanager:monitoring:Networks$docker:index/network:Network",
  "networks-monitoring",
);
export const GRAFANA_IMAGE = urn(
  "timemanager:monitoring:GrafanaServer$docker:index/remoteImage:RemoteImage",
  "grafana-container-image",
);
export const GRAFANA = urn(
  "timemanager:monitoring:GrafanaServer$docker:index/container:Container",
  "grafana-container",
);

const typeOf = (u: string) => {
  const types = u.split("::")[2];
  return types.slice(types.lastIndexOf("$") + 1);
};

const DOCKER_PROVIDER = `${urn("pulumi:providers:docker", "default_5_2_0")}::04da6b54-80e4-46f7-96ec-b56ff0331ba9`;

function metadata(
  op: OpType,
  u: string,
  extra: Partial<StepEventMetadata> = {},
): StepEventMetadata {
  return {
    op,
    urn: u,
    type: typeOf(u),
    provider: typeOf(u).startsWith("docker:") ? DOCKER_PROVIDER : "",
    ...extra,
  };
}

let sequence = 0;
const at = (seconds: number, event: Omit<EngineEvent, "sequence" | "timestamp">): EngineEvent => {
  sequence += 1;
  return { sequence, timestamp: T0 + seconds, ...event };
};
const pre = (s: number, op: OpType, u: string, extra?: Partial<StepEventMetadata>) =>
  at(s, { resourcePreEvent: { metadata: metadata(op, u, extra), planning: false } });
const outputs = (s: number, op: OpType, u: string, extra?: Partial<StepEventMetadata>) =>
  at(s, { resOutputsEvent: { metadata: metadata(op, u, extra), planning: false } });

/**
 * An update of dev: Alloy's image pulled (create), the dashboard edited (update), Prometheus's
 * container replaced for a new scrape target (create-before-delete: its old copy goes last).
 */
export const UPDATE: readonly EngineEvent[] = [
  at(0, { preludeEvent: { config: { [`${PROJECT}:logShipper`]: "alloy" } } }),
  pre(0, "same", STACK),
  pre(1, "create", ALLOY_IMAGE, { logical: true }),
  pre(1, "update", DASHBOARD, { logical: true, diffs: ["configJson"] }),
  outputs(2, "update", DASHBOARD, { logical: true, diffs: ["configJson"] }),
  pre(2, "create-replacement", PROMETHEUS, { keys: ["uploads"] }),
  outputs(13, "create", ALLOY_IMAGE, { logical: true }),
  outputs(20, "create-replacement", PROMETHEUS, { keys: ["uploads"] }),
  pre(20, "replace", PROMETHEUS, { logical: true, keys: ["uploads"] }),
  outputs(20, "replace", PROMETHEUS, { logical: true, keys: ["uploads"] }),
  pre(21, "delete-replaced", PROMETHEUS),
  outputs(22, "delete-replaced", PROMETHEUS),
  outputs(22, "same", STACK),
  at(22, {
    summaryEvent: {
      maybeCorrupt: false,
      durationSeconds: 22,
      resourceChanges: { create: 1, update: 1, replace: 1, same: 31 },
      policyPacks: { [PROJECT]: "v0.0.1" },
    },
  }),
  at(22, { cancelEvent: {} }),
];

const GRAFANA_ERROR =
  "1 error occurred:\n\t* container timemanager-grafana did not become healthy within 180s: unhealthy\n\n";

/**
 * A first `up` of dev whose Grafana container never turns healthy: the network and the images
 * are created, the container fails with the provider's error, and the engine ends the update.
 */
export const FAILED_UP: readonly EngineEvent[] = [
  at(0, { preludeEvent: { config: {} } }),
  pre(0, "create", STACK, { logical: true }),
  pre(1, "create", NETWORK, { logical: true }),
  pre(1, "create", GRAFANA_IMAGE, { logical: true }),
  outputs(2, "create", NETWORK, { logical: true }),
  outputs(31, "create", GRAFANA_IMAGE, { logical: true }),
  pre(31, "create", GRAFANA, { logical: true }),
  at(211, {
    diagnosticEvent: {
      urn: GRAFANA,
      prefix: "error: ",
      message: GRAFANA_ERROR,
      color: "never",
      severity: "error",
    },
  }),
  at(211, { resOpFailedEvent: { metadata: metadata("create", GRAFANA), status: 1, steps: 0 } }),
  at(212, {
    diagnosticEvent: {
      urn: STACK,
      prefix: "error: ",
      message: "update failed\n",
      color: "never",
      severity: "error",
    },
  }),
  at(212, {
    summaryEvent: {
      maybeCorrupt: false,
      durationSeconds: 212,
      resourceChanges: { create: 2 },
      policyPacks: {},
    },
  }),
];
