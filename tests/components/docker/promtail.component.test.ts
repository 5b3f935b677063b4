import type * as promtailModule from "../../../components/docker/promtail";
import { renderPromtailConfig } from "../../../components/observability/logs/promtail";
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

const PUSH_URL = "http://logs.example:3100/loki/api/v1/push";

describe("Promtail", () => {
  it("ships through the read-only socket to the given Loki, its positions on a kept volume", async () => {
    // Given Promtail built alone, pushing to a Loki of another name
    const run = await runComponent((load) => {
      const { Promtail } = load("components/docker/promtail") as typeof promtailModule;
      return new Promtail("shipper", {
        context: CONTEXT,
        image: "grafana/promtail:3.6.11",
        memoryMb: 128,
        lokiPushUrl: PUSH_URL,
      });
    });

    // Then its container answers as log-shipper too, publishes no port, and its volume is state:
    // kept on the host, never protected (a logShipper switch deletes it from the stack)
    expect(byName(run.resources)).toEqual([
      registered("timemanager:monitoring:Promtail", "shipper", {}),
      registered(
        TYPES.container,
        "shipper-container",
        {
          ...hardened("promtail", "grafana/promtail:3.6.11", 128),
          networksAdvanced: [{ name: "tm-net", aliases: ["promtail", "log-shipper"] }],
          ports: [],
          uploads: [
            {
              file: "/etc/promtail/config.yml",
              content: renderPromtailConfig({ lokiPushUrl: PUSH_URL }),
            },
          ],
          mounts: [
            { type: "volume", source: "tm_promtail_data", target: "/var/lib/promtail" },
            {
              type: "bind",
              source: "/var/run/docker.sock",
              target: "/var/run/docker.sock",
              readOnly: true,
            },
          ],
          command: ["-config.file=/etc/promtail/config.yml"],
          ...healthcheck([
            "CMD",
            "bash",
            "-c",
            "exec 3<>/dev/tcp/127.0.0.1/9080 && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3",
          ]),
        },
        containerOptions("shipper", true),
      ),
      image("shipper", "shipper-container", "grafana/promtail:3.6.11"),
      volume("shipper", "promtail", "state"),
    ]);
    expect(renderPromtailConfig({ lokiPushUrl: PUSH_URL })).toContain(`url: ${PUSH_URL}`);
    expect(outputsOf(run)).toEqual({ containerName: "tm-promtail" });
  });
});
