// Keys checked for grafana/promtail:3.6.11 against grafana/loki
// docs/sources/send-data/promtail/configuration.md (stored revision
// 7428b0b06bfe6d117a96533ba8eaa4fd8706609a): server, clients, positions, scrape_configs,
// docker_sd_configs and its meta labels.
import { stringify } from "yaml";
import { PATHS, PORTS } from "../names";
import { DOCKER_STREAM_SOURCE, dockerLogLabelRules } from "./labels";

/** Options for Promtail's configuration file. */
export interface PromtailConfigOptions {
  /** Loki's push endpoint, e.g. http://loki:3100/loki/api/v1/push. */
  readonly lokiPushUrl: string;
}

/** Renders `/etc/promtail/config.yml`: every container on the Docker host, shipped to Loki. */
export function renderPromtailConfig(opts: PromtailConfigOptions): string {
  const relabelConfigs = [
    ...dockerLogLabelRules().map((rule) => ({
      source_labels: rule.sourceLabels,
      ...(rule.regex === undefined ? {} : { regex: rule.regex }),
      target_label: rule.targetLabel,
    })),
    { source_labels: [DOCKER_STREAM_SOURCE], target_label: "stream" },
  ];

  return stringify({
    server: {
      http_listen_port: PORTS.promtail,
      grpc_listen_port: 0,
    },
    // On the volume, so a restart resumes where it stopped instead of re-sending or skipping.
    positions: { filename: `${PATHS.promtailData}/positions.yaml` },
    clients: [{ url: opts.lokiPushUrl }],
    scrape_configs: [
      {
        job_name: "docker",
        docker_sd_configs: [{ host: `unix://${PATHS.dockerSocket}`, refresh_interval: "5s" }],
        relabel_configs: relabelConfigs,
      },
    ],
  });
}
