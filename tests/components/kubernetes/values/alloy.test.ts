import { alloyValues } from "../../../../components/kubernetes/values/alloy";
import { renderAlloyKubernetesConfig } from "../../../../components/observability/logs/alloy-kubernetes";
import { credentialLeaves, pathsOutside } from "./chart-keys";

// Key paths checked against grafana/alloy operations/helm/charts/alloy/values.yaml
// @ helm-chart/1.11.1 (line numbers there). `alloy.resources` is a Kubernetes object the chart
// copies into the pod spec.
const CHART_KEYS = [
  "fullnameOverride", // L9
  "crds.create", // L29
  "alloy.configMap.create", // L37
  "alloy.configMap.content", // L39
  "alloy.listenPort", // L72
  "alloy.enableReporting", // L88
  "alloy.resources", // L137
  "configReloader.enabled", // L247
  "controller.type", // L282
];

const pushUrl = "http://loki.monitoring.svc:3100/loki/api/v1/push";

describe("alloyValues", () => {
  it("renders a clustered DaemonSet whose config is the Kubernetes pod-logs config", () => {
    // Given a memory limit and Loki's push URL, when the values are rendered
    const values = alloyValues({ memoryMb: 256, lokiPushUrl: pushUrl });

    // Then they are exactly these, the config verbatim (it holds no `{{`)
    expect(values).toStrictEqual({
      fullnameOverride: "alloy",
      crds: { create: false },
      controller: { type: "daemonset" },
      alloy: {
        configMap: {
          create: true,
          content: renderAlloyKubernetesConfig({ lokiPushUrl: pushUrl }),
        },
        listenPort: 9080,
        enableReporting: false,
        resources: { requests: { cpu: "50m", memory: "256Mi" }, limits: { memory: "256Mi" } },
      },
      configReloader: { enabled: false },
    });
  });

  it("escapes `{{` in the config, which the chart renders through tpl", () => {
    // Given a push URL holding a template opening, when the values are rendered
    const values = alloyValues({ memoryMb: 256, lokiPushUrl: "http://loki/{{x}}" });

    // Then the config prints it through tpl
    expect(values.alloy.configMap.content).toContain('url = "http://loki/{{ "{{" }}x}}"');
  });

  it("sets only keys the chart declares", () => {
    expect(pathsOutside(alloyValues({ memoryMb: 256, lokiPushUrl: pushUrl }), CHART_KEYS)).toEqual(
      [],
    );
  });

  it("holds no credential", () => {
    expect(credentialLeaves(alloyValues({ memoryMb: 256, lokiPushUrl: pushUrl }))).toEqual([]);
  });
});
