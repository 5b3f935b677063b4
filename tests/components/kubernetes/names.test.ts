import {
  K8S_FULLNAMES,
  K8S_PORTS,
  K8S_RELEASES,
  K8S_SERVICES,
  clusterServiceHost,
  clusterUrl,
} from "../../../components/kubernetes/names";

describe("clusterServiceHost", () => {
  it("names a Service by namespace without the cluster domain", () => {
    expect(clusterServiceHost("loki-write", "monitoring")).toBe("loki-write.monitoring.svc");
  });
});

describe("clusterUrl", () => {
  it("builds an HTTP URL to a Service's port, with an optional path", () => {
    expect(clusterUrl("loki", "monitoring", 3100)).toBe("http://loki.monitoring.svc:3100");
    expect(clusterUrl("loki", "obs", 3100, "/loki/api/v1/push")).toBe(
      "http://loki.obs.svc:3100/loki/api/v1/push",
    );
  });
});

describe("K8S_SERVICES", () => {
  it("derives every Service name from the charts' fixed full names", () => {
    expect(K8S_SERVICES).toStrictEqual({
      prometheus: "kube-prometheus-stack-prometheus",
      loki: "loki",
      lokiWrite: "loki-write",
      lokiRead: "loki-read",
      tempo: "tempo",
      grafana: "grafana",
      alloy: "alloy",
    });
  });

  it("keeps kube-prometheus-stack's full name within the chart's 26-character cut", () => {
    // templates/_helpers.tpl: `trunc 26 | trimSuffix "-"`; a longer override would be cut
    expect(K8S_FULLNAMES.prometheus.length).toBeLessThanOrEqual(26);
  });

  it("names Grafana's release so that the chart uses it as the full name", () => {
    // grafana.fullname: a release name that contains the chart name is the full name
    expect(K8S_RELEASES.grafana).toContain("grafana");
    expect(K8S_SERVICES.grafana).toBe(K8S_RELEASES.grafana);
  });
});

describe("K8S_PORTS", () => {
  it("keeps the Docker ports, and the log shipper's port for Alloy", () => {
    expect(K8S_PORTS).toStrictEqual({
      prometheus: 9090,
      loki: 3100,
      tempo: 3200,
      tempoOtlpGrpc: 4317,
      tempoOtlpHttp: 4318,
      grafana: 3000,
      alloy: 9080,
    });
  });
});
