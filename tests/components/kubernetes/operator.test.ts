import {
  PodMonitor,
  type IPodMonitor,
} from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import {
  PrometheusRule,
  type IPrometheusRule,
} from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { parse } from "yaml";
import type { PodTarget } from "../../../config";
import {
  podMonitor,
  prometheusRule,
  type PodMonitorManifest,
} from "../../../components/kubernetes/operator";
import { JOBS } from "../../../components/observability/names";
import { renderRules, ruleGroups } from "../../../components/observability/prometheus/rules";
import { DEFAULT_SLO } from "../../../config";

/*
 * The Operator objects, checked against the Operator's own schemas (the CRDs' OpenAPI, as
 * published in @kubernetes-models/prometheus-operator) and against the Docker platform's rules.
 */

const NAMESPACE = "monitoring";

const TARGETS: Readonly<Record<"backend" | "traefik", PodTarget>> = {
  backend: {
    namespace: "timemanager",
    matchLabels: { "app.kubernetes.io/name": "backend" },
    port: "http",
  },
  traefik: {
    namespace: "traefik",
    matchLabels: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik" },
    port: "metrics",
  },
};

/** What the API server receives: the manifest as JSON. */
const asSent = (manifest: object): unknown => JSON.parse(JSON.stringify(manifest));

const monitorOf = (app: keyof typeof TARGETS): PodMonitorManifest =>
  podMonitor({
    name: `timemanager-${app}`,
    namespace: NAMESPACE,
    job: JOBS[app],
    target: TARGETS[app],
    interval: "15s",
  });

describe("podMonitor", () => {
  it("selects the target's pods in their namespace and names the job", () => {
    // Given the backend's pods
    // When its PodMonitor is built
    const monitor = monitorOf("backend");

    // Then it selects them by namespace and labels, scrapes their metrics port, and sets job
    expect(monitor).toEqual({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: { name: "timemanager-backend", namespace: NAMESPACE },
      spec: {
        namespaceSelector: { matchNames: ["timemanager"] },
        selector: { matchLabels: { "app.kubernetes.io/name": "backend" } },
        podMetricsEndpoints: [
          {
            port: "http",
            path: "/metrics",
            interval: "15s",
            relabelings: [{ targetLabel: "job", replacement: "backend", action: "replace" }],
          },
        ],
      },
    });
  });

  it.each(["backend", "traefik"] as const)(
    "builds a %s PodMonitor the Operator's schema accepts",
    (app) => {
      // Given the PodMonitor of one app
      const monitor = new PodMonitor(asSent(monitorOf(app)) as IPodMonitor);

      // When it is validated against the PodMonitor CRD's schema
      // Then it passes
      expect(() => {
        monitor.validate();
      }).not.toThrow();
    },
  );

  it("fails the schema with a relabeling action the Operator does not know", () => {
    // Given a PodMonitor whose relabeling says "set" instead of "replace"
    const sent = asSent(monitorOf("backend")) as IPodMonitor;
    const endpoint = sent.spec.podMetricsEndpoints?.[0];
    if (endpoint?.relabelings?.[0] === undefined) throw new Error("no relabeling to break");
    Object.assign(endpoint.relabelings[0], { action: "set" });

    // When it is validated
    // Then the schema rejects it, naming the field
    expect(() => {
      new PodMonitor(sent).validate();
    }).toThrow("data/spec/podMetricsEndpoints/0/relabelings/0/action must be equal to one of");
  });
});

describe("prometheusRule", () => {
  const rule = prometheusRule({ name: "timemanager", namespace: NAMESPACE, slo: DEFAULT_SLO });

  it("holds exactly the program's rule groups", () => {
    // Given the PrometheusRule
    // When its groups are compared with the rules file the Docker Prometheus loads
    // Then they are the same groups, rule for rule
    expect(rule.spec.groups).toEqual(ruleGroups({ slo: DEFAULT_SLO }));
    expect(rule.spec.groups).toEqual(
      (parse(renderRules({ slo: DEFAULT_SLO })) as { groups: unknown }).groups,
    );
    expect(rule.metadata).toEqual({ name: "timemanager", namespace: NAMESPACE });
  });

  it("passes the Operator's PrometheusRule schema", () => {
    // Given the PrometheusRule as sent to the API server
    const model = new PrometheusRule(asSent(rule) as IPrometheusRule);

    // When it is validated
    // Then it passes
    expect(() => {
      model.validate();
    }).not.toThrow();
  });

  it("fails the schema when an alert's `for` is not a Prometheus duration", () => {
    // Given the PrometheusRule with one alert's `for` written in words
    const sent = asSent(rule) as IPrometheusRule;
    const alert = sent.spec.groups
      ?.flatMap((g) => g.rules ?? [])
      .find((r) => r.alert !== undefined);
    if (alert === undefined) throw new Error("no alerting rule to break");
    alert.for = "5 minutes";

    // When it is validated
    // Then the schema rejects it
    expect(() => {
      new PrometheusRule(sent).validate();
    }).toThrow(/data\/spec\/groups\/\d+\/rules\/\d+\/for must match pattern/);
  });
});
