// Component and argument names checked for grafana/alloy v1.18.1 (the appVersion of the alloy
// chart 1.11.1) against the grafana/alloy repository at tag v1.18.1:
// - docs/sources/reference/components/discovery/discovery.kubernetes.md: `role` ("pod": one
//   target per declared container port, or one per container without ports), export `targets`,
//   the `__meta_kubernetes_namespace`, `__meta_kubernetes_pod_container_name` and
//   `__meta_kubernetes_pod_label_<name>` labels; the `selectors { role field }` block.
// - docs/sources/reference/components/discovery/discovery.relabel.md: `targets`, `rule` blocks,
//   export `output`; the rule arguments `source_labels`, `separator`, `regex`, `replacement`,
//   `target_label` (action replace by default) in
//   docs/sources/shared/reference/components/rule-block.md.
// - docs/sources/reference/components/loki/loki.source.kubernetes.md: `targets`, `forward_to`.
//   It tails through the Kubernetes
//   API, so it needs neither root, nor privileges, nor the node's /var/log. Kubernetes' log API
//   merges stdout and stderr, so Kubernetes lines carry no `stream` label (Docker's do); `stream`
//   is not in the label contract (LOG_LABELS).
// - internal/component/loki/source/kubernetes/kubetail/target.go: before sending, the source
//   drops every `__meta_` label and adds `job` (the component's ID,
//   `loki.source.kubernetes.pods`) and `instance` (`<namespace>/<pod>:<container>`) when absent;
//   a container's targets for several ports collapse into one tailer (one hash of the labels left
//   and `<namespace>/<pod>:<container>` and the pod UID).
// - docs/sources/reference/components/loki/loki.write.md: `endpoint { url }`, export `receiver`.
//
// Every Alloy pod of the DaemonSet tails only its own node's pods: discovery selects them with
// the field selector `spec.nodeName=` + sys.env("HOSTNAME"), the chart setting HOSTNAME to the
// pod's spec.nodeName (operations/helm/charts/alloy/templates/containers/_agent.yaml; the recipe
// of docs/sources/collect/logs-in-kubernetes.md). So no pod watches the whole cluster, and a
// container is tailed by exactly one Alloy pod, the one on its node.
import { type LogRelabelRule, kubernetesLogLabelRules } from "./labels";
import {
  type AlloyBlock,
  type AlloyNode,
  attr,
  block,
  call,
  concat,
  ref,
  renderAlloy,
} from "./alloy-syntax";

/** Options for Alloy's configuration on Kubernetes. */
export interface AlloyKubernetesConfigOptions {
  /** Loki's push endpoint, e.g. http://loki.monitoring.svc:3100/loki/api/v1/push. */
  readonly lokiPushUrl: string;
}

const COMPONENT_LABEL = "pods";
const WRITER_LABEL = "default";

function ruleBlock(rule: LogRelabelRule): AlloyBlock {
  const optional = (name: string, value: string | undefined): AlloyNode[] =>
    value === undefined ? [] : [attr(name, value)];
  return block("rule", [
    attr("source_labels", rule.sourceLabels),
    ...optional("separator", rule.separator),
    ...optional("regex", rule.regex),
    ...optional("replacement", rule.replacement),
    attr("target_label", rule.targetLabel),
  ]);
}

/**
 * Renders Alloy's config for the Kubernetes DaemonSet: every pod's containers, labelled by the
 * log label contract (container, `app.kubernetes.io/name`, namespace), shipped to Loki.
 */
export function renderAlloyKubernetesConfig(opts: AlloyKubernetesConfigOptions): string {
  const blocks: AlloyBlock[] = [
    block("discovery.kubernetes", COMPONENT_LABEL, [
      attr("role", "pod"),
      block("selectors", [
        attr("role", "pod"),
        attr("field", concat("spec.nodeName=", call("sys.env", ["HOSTNAME"]))),
      ]),
    ]),
    block("discovery.relabel", COMPONENT_LABEL, [
      attr("targets", ref(`discovery.kubernetes.${COMPONENT_LABEL}.targets`)),
      ...kubernetesLogLabelRules().map(ruleBlock),
    ]),
    block("loki.source.kubernetes", COMPONENT_LABEL, [
      attr("targets", ref(`discovery.relabel.${COMPONENT_LABEL}.output`)),
      attr("forward_to", [ref(`loki.write.${WRITER_LABEL}.receiver`)]),
    ]),
    block("loki.write", WRITER_LABEL, [block("endpoint", [attr("url", opts.lokiPushUrl)])]),
  ];
  return renderAlloy(blocks);
}
