import {
  ServiceMonitor,
  type IServiceMonitor,
} from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import {
  CADVISOR_METRIC_RELABELINGS,
  toPrometheusRelabelConfig,
} from "../../../components/kubernetes/adapters";

/*
 * The adapter's form. What it does to series is shown on a real Prometheus in
 * adapters.live.test.ts; here, that the Operator accepts it and that Prometheus's spelling of it
 * is the same relabeling.
 */

/** kube-prometheus-stack's kubelet ServiceMonitor, cAdvisor endpoint, carrying `relabelings`. */
function kubeletServiceMonitor(metricRelabelings: readonly object[]): IServiceMonitor {
  return JSON.parse(
    JSON.stringify({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: { name: "kubelet", namespace: "monitoring" },
      spec: {
        selector: { matchLabels: { "app.kubernetes.io/name": "kubelet" } },
        namespaceSelector: { matchNames: ["kube-system"] },
        endpoints: [
          {
            port: "https-metrics",
            scheme: "https",
            path: "/metrics/cadvisor",
            interval: "10s",
            honorLabels: true,
            metricRelabelings,
          },
        ],
      },
    }),
  ) as IServiceMonitor;
}

describe("CADVISOR_METRIC_RELABELINGS", () => {
  it("pass the Operator's schema as a ServiceMonitor endpoint's metricRelabelings", () => {
    // Given the kubelet's ServiceMonitor with the adapter, as the chart renders it from values
    const monitor = new ServiceMonitor(kubeletServiceMonitor(CADVISOR_METRIC_RELABELINGS));

    // When it is validated against the ServiceMonitor CRD's schema
    // Then it passes
    expect(() => {
      monitor.validate();
    }).not.toThrow();
  });

  it("fail the schema when a relabeling's action is unknown", () => {
    // Given the same list with one action misspelt
    const broken = CADVISOR_METRIC_RELABELINGS.map((r, i) =>
      i === 0 ? { ...r, action: "drops" } : r,
    );

    // When it is validated
    // Then the schema rejects it, naming the field
    expect(() => {
      new ServiceMonitor(kubeletServiceMonitor(broken)).validate();
    }).toThrow("data/spec/endpoints/0/metricRelabelings/0/action must be equal to one of");
  });

  it("only ever drop or rename series named container_*", () => {
    // Given the adapter's rules
    // When each is read for the series it can touch
    const untouched = CADVISOR_METRIC_RELABELINGS.filter(
      (r) => r.sourceLabels?.[0] !== "__name__" || !(r.regex ?? "").startsWith("container_"),
    );

    // Then every one selects on a container_ metric name first
    expect(untouched).toEqual([]);
  });
});

describe("toPrometheusRelabelConfig", () => {
  it("spells the Operator's keys as Prometheus's and leaves out what is unset", () => {
    // Given a replace with every field and a drop with few
    const replace = {
      sourceLabels: ["namespace", "pod"],
      separator: "/",
      regex: "(.+)",
      targetLabel: "name",
      replacement: "$1",
      action: "replace",
    } as const;

    // When both are converted
    // Then the keys are Prometheus's and nothing is added
    expect(
      [replace, { regex: "tmp_.*", action: "labeldrop" } as const].map(toPrometheusRelabelConfig),
    ).toEqual([
      {
        source_labels: ["namespace", "pod"],
        separator: "/",
        regex: "(.+)",
        target_label: "name",
        replacement: "$1",
        action: "replace",
      },
      { regex: "tmp_.*", action: "labeldrop" },
    ]);
  });
});
