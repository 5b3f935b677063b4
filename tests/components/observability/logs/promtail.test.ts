import { parse } from "yaml";
import { renderPromtailConfig } from "../../../../components/observability/logs/promtail";
import { LOG_LABELS } from "../../../../components/observability/names";

interface PromtailDocument {
  readonly scrape_configs: readonly {
    readonly relabel_configs: readonly { readonly target_label: string }[];
  }[];
}

const expected = {
  server: { http_listen_port: 9080, grpc_listen_port: 0 },
  positions: { filename: "/var/lib/promtail/positions.yaml" },
  clients: [{ url: "http://loki:3100/loki/api/v1/push" }],
  scrape_configs: [
    {
      job_name: "docker",
      docker_sd_configs: [{ host: "unix:///var/run/docker.sock", refresh_interval: "5s" }],
      relabel_configs: [
        {
          source_labels: ["__meta_docker_container_name"],
          regex: "/(.*)",
          target_label: "container_name",
        },
        {
          source_labels: ["__meta_docker_container_label_com_docker_compose_service"],
          target_label: "compose_service",
        },
        {
          source_labels: ["__meta_docker_container_label_com_docker_compose_project"],
          target_label: "compose_project",
        },
        { source_labels: ["__meta_docker_container_log_stream"], target_label: "stream" },
      ],
    },
  ],
};

describe("renderPromtailConfig", () => {
  it("renders the whole Docker-discovery config for Loki's push URL", () => {
    // Given Loki's push URL
    const opts = { lokiPushUrl: "http://loki:3100/loki/api/v1/push" };

    // When the config is rendered
    const config: unknown = parse(renderPromtailConfig(opts));

    // Then it is exactly the expected document
    expect(config).toEqual(expected);
  });

  it("changes only the client URL when the push URL changes", () => {
    // Given another push URL
    const opts = { lokiPushUrl: "http://logs:3100/loki/api/v1/push" };

    // When the config is rendered
    const config: unknown = parse(renderPromtailConfig(opts));

    // Then only clients[0].url differs
    expect(config).toEqual({
      ...expected,
      clients: [{ url: "http://logs:3100/loki/api/v1/push" }],
    });
  });

  it("labels every stream with each shared log label, plus the stream", () => {
    // Given any push URL
    const opts = { lokiPushUrl: "http://loki:3100/loki/api/v1/push" };

    // When the config is rendered
    const config = parse(renderPromtailConfig(opts)) as PromtailDocument;

    // Then the relabel targets are LOG_LABELS in order, then stream
    const targets = config.scrape_configs[0].relabel_configs.map((rule) => rule.target_label);
    expect(targets).toEqual([...LOG_LABELS, "stream"]);
  });
});
