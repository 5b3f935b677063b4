import { renderAlloyKubernetesConfig } from "../../../../components/observability/logs/alloy-kubernetes";
import { kubernetesLogLabelRules } from "../../../../components/observability/logs/labels";

const pushUrl = "http://loki-write.monitoring.svc:3100/loki/api/v1/push";

const expected = `discovery.kubernetes "pods" {
	role = "pod"

	selectors {
		role  = "pod"
		field = "spec.nodeName=" + sys.env("HOSTNAME")
	}
}

discovery.relabel "pods" {
	targets = discovery.kubernetes.pods.targets

	rule {
		source_labels = ["__meta_kubernetes_pod_container_name"]
		target_label  = "container_name"
	}

	rule {
		source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
		target_label  = "compose_service"
	}

	rule {
		source_labels = ["__meta_kubernetes_namespace"]
		target_label  = "compose_project"
	}
}

loki.source.kubernetes "pods" {
	targets    = discovery.relabel.pods.output
	forward_to = [loki.write.default.receiver]
}

loki.write "default" {
	endpoint {
		url = "http://loki-write.monitoring.svc:3100/loki/api/v1/push"
	}
}
`;

/**
 * Prometheus relabeling, action replace only, as discovery.relabel applies it: source values
 * joined by the separator, the regex anchored at both ends, $n expanded in the replacement, an
 * empty result deletes the target label; then loki.source.kubernetes drops the `__` labels.
 */
function relabel(
  meta: Readonly<Record<string, string>>,
  rules: ReturnType<typeof kubernetesLogLabelRules>,
): Record<string, string> {
  const labels: Record<string, string> = { ...meta };
  for (const rule of rules) {
    const value = rule.sourceLabels.map((name) => labels[name] ?? "").join(rule.separator ?? ";");
    const match = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`).exec(value);
    if (match === null) continue;
    const result = (rule.replacement ?? "$1").replace(
      /\$(\d+)/g,
      (_, group: string) => match[Number(group)] ?? "",
    );
    if (result === "") {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete labels[rule.targetLabel];
    } else {
      labels[rule.targetLabel] = result;
    }
  }
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith("__")));
}

/** discovery.kubernetes's labels for the app's backend container (role pod, one port). */
const backendTarget = {
  __address__: "10.42.0.17:8080",
  __meta_kubernetes_namespace: "timemanager",
  __meta_kubernetes_pod_name: "backend-7d9c5b-x2k4q",
  __meta_kubernetes_pod_uid: "0f6c1b5e-3c1d-4d4f-9d7e-6a2c0b1e9f00",
  __meta_kubernetes_pod_container_name: "timemanager-backend",
  __meta_kubernetes_pod_container_port_number: "8080",
  __meta_kubernetes_pod_label_app_kubernetes_io_name: "backend",
  __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name: "true",
  __meta_kubernetes_pod_node_name: "node-1",
};

describe("renderAlloyKubernetesConfig", () => {
  it("renders the whole pod-logs config for Loki's push URL", () => {
    // Given Loki's push URL, when the config is rendered
    const config = renderAlloyKubernetesConfig({ lokiPushUrl: pushUrl });

    // Then it is exactly the expected file
    expect(config).toBe(expected);
  });

  it("changes only the endpoint URL when the push URL changes", () => {
    // Given the Monolithic Loki's push URL, when the config is rendered
    const config = renderAlloyKubernetesConfig({
      lokiPushUrl: "http://loki.obs.svc:3100/loki/api/v1/push",
    });

    // Then only the url line differs
    expect(config).toBe(
      expected.replace(
        'url = "http://loki-write.monitoring.svc:3100/loki/api/v1/push"',
        'url = "http://loki.obs.svc:3100/loki/api/v1/push"',
      ),
    );
  });

  it("gives a pod's log lines the contract's labels, as the Docker shippers do", () => {
    // Given the relabeling rules the config renders and one container's discovery labels
    // When the rules are applied
    const labels = relabel(backendTarget, kubernetesLogLabelRules());

    // Then the line carries container_name, compose_service and compose_project
    expect(labels).toEqual({
      container_name: "timemanager-backend",
      compose_service: "backend",
      compose_project: "timemanager",
    });
  });
});
