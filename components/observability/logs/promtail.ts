// Keys checked for grafana/promtail:3.6.11 against grafana/loki
// docs/sources/send-data/promtail/configuration.md (stored revision
// 7428b0b06bfe6d117a96533ba8eaa4fd8706609a): server, clients, positions, scrape_configs,
// docker_sd_configs and its meta labels.
import { stringify } from "yaml";
import { COMPOSE_LABELS, LOG_LABELS, PATHS, PORTS } from "../names";

/** Options for Promtail's configuration file. */
export interface PromtailConfigOptions {
  /** Loki's push endpoint, e.g. http://loki:3100/loki/api/v1/push. */
  readonly lokiPushUrl: string;
}

type LogLabel = (typeof LOG_LABELS)[number];

interface LabelSource {
  readonly sourceLabel: string;
  readonly regex?: string;
}

/** Docker discovery exposes container labels with every character outside [a-zA-Z0-9_] as `_`. */
function dockerLabelMeta(label: string): string {
  return `__meta_docker_container_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/** Where each Loki label comes from; typed so a label added to LOG_LABELS must be sourced here. */
const LOG_LABEL_SOURCES: Record<LogLabel, LabelSource> = {
  // Docker reports names with a leading slash.
  container_name: { sourceLabel: "__meta_docker_container_name", regex: "/(.*)" },
  compose_service: { sourceLabel: dockerLabelMeta(COMPOSE_LABELS.service) },
  compose_project: { sourceLabel: dockerLabelMeta(COMPOSE_LABELS.project) },
};

/** Renders `/etc/promtail/config.yml`: every container on the Docker host, shipped to Loki. */
export function renderPromtailConfig(opts: PromtailConfigOptions): string {
  const relabelConfigs = [
    ...LOG_LABELS.map((target) => {
      const { sourceLabel, regex } = LOG_LABEL_SOURCES[target];
      return {
        source_labels: [sourceLabel],
        ...(regex === undefined ? {} : { regex }),
        target_label: target,
      };
    }),
    { source_labels: ["__meta_docker_container_log_stream"], target_label: "stream" },
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
