import type * as lokiModule from "../../../components/docker/loki";
import { renderLokiConfig } from "../../../components/observability/loki/config";
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

describe("Loki", () => {
  it("runs the pinned image on its protected volume, with its config and retention", async () => {
    // Given Loki built alone, with a three-day retention on host port 13100
    const run = await runComponent((load) => {
      const { Loki } = load("components/docker/loki") as typeof lokiModule;
      return new Loki("logs", {
        context: CONTEXT,
        image: "grafana/loki:3.7.6",
        memoryMb: 300,
        hostPort: 13100,
        retentionDays: 3,
      });
    });

    // Then it is one image, one volume and one container, each the component's child
    expect(byName(run.resources)).toEqual([
      registered("timemanager:monitoring:Loki", "logs", {}),
      registered(
        TYPES.container,
        "logs-container",
        {
          ...hardened("loki", "grafana/loki:3.7.6", 300),
          networksAdvanced: [{ name: "tm-net", aliases: ["loki"] }],
          ports: [{ internal: 3100, external: 13100, ip: "127.0.0.1" }],
          uploads: [
            { file: "/etc/loki/config.yaml", content: renderLokiConfig({ retentionDays: 3 }) },
          ],
          mounts: [{ type: "volume", source: "tm_loki_data", target: "/loki" }],
          command: ["-config.file=/etc/loki/config.yaml"],
          ...healthcheck(["CMD", "/usr/bin/loki", "-health"], "30s"),
        },
        containerOptions("logs", true),
      ),
      image("logs", "logs-container", "grafana/loki:3.7.6"),
      volume("logs", "loki"),
    ]);
    // And the uploaded config keeps logs three days
    expect(renderLokiConfig({ retentionDays: 3 })).toContain("retention_period: 72h");

    // And it gives the URLs other services and the host use
    expect(outputsOf(run)).toEqual({
      internalUrl: "http://loki:3100",
      pushUrl: "http://loki:3100/loki/api/v1/push",
      hostUrl: "http://localhost:13100",
      containerName: "tm-loki",
    });
  });

  it("leaves its volume unprotected and gone with the stack without protectData", async () => {
    const run = await runComponent((load) => {
      const { Loki } = load("components/docker/loki") as typeof lokiModule;
      return new Loki("loki", {
        context: { ...CONTEXT, protectData: false },
        image: "grafana/loki:3.7.6",
        memoryMb: 512,
        hostPort: 3100,
        retentionDays: 7,
      });
    });
    expect(run.resources.find((r) => r.type === TYPES.volume)).toMatchObject({
      name: "loki-data",
      protect: false,
      retainOnDelete: false,
    });
  });

  it("marks its published port deliberate when the stack binds every interface", async () => {
    const run = await runComponent((load) => {
      const { Loki } = load("components/docker/loki") as typeof lokiModule;
      return new Loki("loki", {
        context: { ...CONTEXT, bindAddress: "0.0.0.0" },
        image: "grafana/loki:3.7.6",
        memoryMb: 512,
        hostPort: 3100,
        retentionDays: 7,
      });
    });
    expect(run.resources.find((r) => r.type === TYPES.container)?.inputs).toMatchObject({
      labels: [
        { label: "com.docker.compose.project", value: "shop-monitoring" },
        { label: "com.docker.compose.service", value: "loki" },
        { label: "org.timemanager.bind-all-interfaces", value: "explicit" },
      ],
      ports: [{ internal: 3100, external: 3100, ip: "0.0.0.0" }],
    });
    expect(run.outputs.hostUrl).toBe("http://localhost:3100");
  });
});
