import type * as alloyModule from "../../../components/docker/alloy";
import { renderAlloyConfig } from "../../../components/observability/logs/alloy";
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

describe("Alloy", () => {
  it("ships like Promtail: same alias and port, read-only socket, storage on a kept volume", async () => {
    // Given Alloy built alone, pushing to a Loki of another name
    const run = await runComponent((load) => {
      const { Alloy } = load("components/docker/alloy") as typeof alloyModule;
      return new Alloy("shipper", {
        context: CONTEXT,
        image: "grafana/alloy:v1.20.1",
        memoryMb: 192,
        lokiPushUrl: PUSH_URL,
      });
    });

    // Then it listens on 9080 on every interface of its container, as log-shipper, and keeps its
    // positions under --storage.path on a state volume
    expect(byName(run.resources)).toEqual([
      registered("timemanager:monitoring:Alloy", "shipper", {}),
      registered(
        TYPES.container,
        "shipper-container",
        {
          ...hardened("alloy", "grafana/alloy:v1.20.1", 192),
          networksAdvanced: [{ name: "tm-net", aliases: ["alloy", "log-shipper"] }],
          ports: [],
          uploads: [
            {
              file: "/etc/alloy/config.alloy",
              content: renderAlloyConfig({ lokiPushUrl: PUSH_URL }),
            },
          ],
          mounts: [
            { type: "volume", source: "tm_alloy_data", target: "/var/lib/alloy/data" },
            {
              type: "bind",
              source: "/var/run/docker.sock",
              target: "/var/run/docker.sock",
              readOnly: true,
            },
          ],
          command: [
            "run",
            "/etc/alloy/config.alloy",
            "--storage.path=/var/lib/alloy/data",
            "--server.http.listen-addr=0.0.0.0:9080",
            "--disable-reporting",
          ],
          ...healthcheck([
            "CMD",
            "bash",
            "-c",
            "exec 3<>/dev/tcp/127.0.0.1/9080 && printf 'GET /-/ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3",
          ]),
        },
        containerOptions("shipper", true),
      ),
      image("shipper", "shipper-container", "grafana/alloy:v1.20.1"),
      volume("shipper", "alloy", "state"),
    ]);
    expect(renderAlloyConfig({ lokiPushUrl: PUSH_URL })).toContain(`url = "${PUSH_URL}"`);
    expect(outputsOf(run)).toEqual({ containerName: "tm-alloy" });
  });
});
