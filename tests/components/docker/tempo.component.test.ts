import type * as tempoModule from "../../../components/docker/tempo";
import { renderTempoConfig } from "../../../components/observability/tempo/config";
import { runComponent } from "../../helpers/program";
import {
  CONTEXT,
  TYPES,
  byName,
  containerOptions,
  hardened,
  healthcheck,
  image,
  outputsOf,
  registered,
  volume,
} from "./expected";

const REMOTE_WRITE = "http://metrics.example:9090/api/v1/write";

describe("Tempo", () => {
  it("receives OTLP from the app network on its host ports and writes metrics to the given URL", async () => {
    // Given Tempo built alone, with its own host ports, retention and Prometheus
    const run = await runComponent((load) => {
      const { Tempo } = load("components/docker/tempo") as typeof tempoModule;
      return new Tempo("traces", {
        context: CONTEXT,
        image: "grafana/tempo:3.0.3",
        memoryMb: 700,
        hostPorts: { http: 13200, otlpGrpc: 14317, otlpHttp: 14318 },
        retentionDays: 2,
        prometheusRemoteWriteUrl: REMOTE_WRITE,
      });
    });

    // Then its container joins both networks and publishes the three ports on loopback
    const config = renderTempoConfig({ retentionDays: 2, prometheusRemoteWriteUrl: REMOTE_WRITE });
    expect(byName(run.resources)).toEqual([
      registered("timemanager:monitoring:Tempo", "traces", {}),
      registered(
        TYPES.container,
        "traces-container",
        {
          ...hardened("tempo", "grafana/tempo:3.0.3", 700),
          networksAdvanced: [
            { name: "tm-net", aliases: ["tempo"] },
            { name: "shop_default", aliases: ["tempo"] },
          ],
          ports: [
            { internal: 3200, external: 13200, ip: "127.0.0.1" },
            { internal: 4317, external: 14317, ip: "127.0.0.1" },
            { internal: 4318, external: 14318, ip: "127.0.0.1" },
          ],
          uploads: [{ file: "/etc/tempo.yaml", content: config }],
          mounts: [{ type: "volume", source: "tm_tempo_data", target: "/var/tempo" }],
          command: ["-config.file=/etc/tempo.yaml"],
          ...healthcheck(["CMD", "/tempo", "-health"], "30s"),
        },
        containerOptions("traces", true),
      ),
      image("traces", "traces-container", "grafana/tempo:3.0.3"),
      volume("traces", "tempo"),
    ]);
    expect(config).toContain(`url: ${REMOTE_WRITE}`);
    expect(config).toContain("block_retention: 48h");
    expect(outputsOf(run)).toEqual({
      internalUrl: "http://tempo:3200",
      hostUrl: "http://localhost:13200",
      otlpGrpcEndpoint: "http://tempo:4317",
      otlpHttpEndpoint: "http://tempo:4318",
      containerName: "tm-tempo",
    });
  });
});
