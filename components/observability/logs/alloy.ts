// Component and argument names checked for grafana/alloy:v1.20.1 against the grafana/alloy
// repository (stored revisions, not necessarily the v1.20.1 tag):
// - docs/sources/reference/components/discovery/discovery.docker.md (098a5733): `host`,
//   `refresh_interval`, export `targets`, the `__meta_docker_container_*` labels.
// - docs/sources/reference/components/discovery/discovery.relabel.md (04a234e2): `targets`,
//   `rule` blocks, exports `output` and `rules`; the rule arguments `source_labels`, `regex`
//   (default "(.*)"), `target_label`, `replacement` (default "$1"), `action` (default replace)
//   in docs/sources/shared/reference/components/rule-block.md (022b1b72).
// - docs/sources/reference/components/loki/loki.source.docker.md (0232638d): `host`, `targets`,
//   `forward_to`, `relabel_rules`; positions live in the component's data path under
//   `--storage.path`.
// - internal/component/loki/source/docker/tailer.go (01398871), getStreamLabels: a target's
//   labels, plus `__meta_docker_container_log_stream` set per stream, go through `relabel_rules`,
//   then every `__` label is dropped. So the rules run there, once per stream, like Promtail's
//   relabel_configs; discovery.relabel only holds them (`targets = []`), the pattern of the
//   reference docs and of `alloy convert` for docker_sd_configs. Feeding it
//   discovery.docker's targets as well would apply the rules twice.
// - docs/sources/reference/components/loki/loki.write.md (01cf09f5): `endpoint { url }`, export
//   `receiver`.
import { PATHS } from "../names";
import { DOCKER_STREAM_SOURCE, type LogRelabelRule, dockerLogLabelRules } from "./labels";
import { type AlloyBlock, attr, block, ref, renderAlloy } from "./alloy-syntax";

/** Options for Alloy's configuration file. */
export interface AlloyConfigOptions {
  /** Loki's push endpoint, e.g. http://loki:3100/loki/api/v1/push. */
  readonly lokiPushUrl: string;
}

/** The rules that give every log stream the shared log labels, plus `stream` (stdout/stderr). */
export function alloyRelabelRules(): readonly LogRelabelRule[] {
  return [
    ...dockerLogLabelRules(),
    // Set by loki.source.docker per stream, not by discovery: only relabel_rules can see it.
    { sourceLabels: [DOCKER_STREAM_SOURCE], targetLabel: "stream" },
  ];
}

const COMPONENT_LABEL = "containers";
const WRITER_LABEL = "default";

/** Renders `/etc/alloy/config.alloy`: every container on the Docker host, shipped to Loki. */
export function renderAlloyConfig(opts: AlloyConfigOptions): string {
  const dockerHost = `unix://${PATHS.dockerSocket}`;
  const rules = alloyRelabelRules().map((rule) =>
    block("rule", [
      attr("source_labels", rule.sourceLabels),
      ...(rule.regex === undefined ? [] : [attr("regex", rule.regex)]),
      attr("target_label", rule.targetLabel),
    ]),
  );

  const blocks: AlloyBlock[] = [
    block("discovery.docker", COMPONENT_LABEL, [
      attr("host", dockerHost),
      attr("refresh_interval", "5s"),
    ]),
    block("discovery.relabel", COMPONENT_LABEL, [attr("targets", []), ...rules]),
    block("loki.source.docker", COMPONENT_LABEL, [
      attr("host", dockerHost),
      attr("targets", ref(`discovery.docker.${COMPONENT_LABEL}.targets`)),
      attr("forward_to", [ref(`loki.write.${WRITER_LABEL}.receiver`)]),
      attr("relabel_rules", ref(`discovery.relabel.${COMPONENT_LABEL}.rules`)),
    ]),
    block("loki.write", WRITER_LABEL, [block("endpoint", [attr("url", opts.lokiPushUrl)])]),
  ];
  return renderAlloy(blocks);
}
