import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { dockerProbe, dockerUnreachable, pingDocker } from "../../scripts/cli/docker";

describe("dockerProbe", () => {
  it("pings the default socket when nothing names another engine", () => {
    expect(dockerProbe({}, {}, "linux")).toEqual({
      kind: "socket",
      host: "unix:///var/run/docker.sock",
      socketPath: "/var/run/docker.sock",
    });
  });

  it("takes the stack's docker:host before DOCKER_HOST, as the provider does", () => {
    const env = { DOCKER_HOST: "unix:///run/user/1000/docker.sock" };
    expect([
      dockerProbe({ "docker:host": "tcp://10.0.0.5:2375" }, env, "linux"),
      dockerProbe({}, env, "linux"),
    ]).toEqual([
      { kind: "tcp", host: "tcp://10.0.0.5:2375", url: "http://10.0.0.5:2375/_ping" },
      {
        kind: "socket",
        host: "unix:///run/user/1000/docker.sock",
        socketPath: "/run/user/1000/docker.sock",
      },
    ]);
  });

  it("pings Windows' named pipe", () => {
    expect(dockerProbe({}, {}, "win32")).toEqual({
      kind: "socket",
      host: "npipe:////./pipe/docker_engine",
      socketPath: "\\\\.\\pipe\\docker_engine",
    });
  });

  it.each([
    [{ platform: "kubernetes" }, {}, "platform kubernetes"],
    [{}, { DOCKER_CONTEXT: "colima" }, "Docker context colima"],
    [{ "docker:context": "remote" }, {}, "Docker context remote"],
    [{ "docker:host": "ssh://me@box" }, {}, "ssh://me@box"],
    [{}, { DOCKER_HOST: "tcp://box:2376", DOCKER_TLS_VERIFY: "1" }, "tcp://box:2376 with TLS"],
    [
      { "docker:host": "tcp://box:2376", "docker:certPath": "/certs" },
      {},
      "tcp://box:2376 with TLS",
    ],
  ])("leaves %j %j to the provider (%s)", (settings, env, reason) => {
    expect(dockerProbe(settings, env, "linux")).toEqual({ kind: "skip", reason });
  });

  it("pings the default socket under the default context", () => {
    expect(dockerProbe({}, { DOCKER_CONTEXT: "default" }, "linux").kind).toBe("socket");
  });
});

describe("pingDocker", () => {
  let dir: string;
  let server: http.Server | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tm-cli-docker-"));
  });
  afterEach(async () => {
    if (server !== undefined) await new Promise((done) => server?.close(done));
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** An engine on a socket in `dir` that answers /_ping with `status`, or never answers. */
  async function engine(status: number | "silent"): Promise<string> {
    const socketPath = path.join(dir, "docker.sock");
    server = http.createServer((request, response) => {
      if (status === "silent") return;
      response.statusCode = request.url === "/_ping" ? status : 404;
      response.end("OK");
    });
    await new Promise<void>((listening) => server?.listen(socketPath, listening));
    return socketPath;
  }

  it("finds an engine that answers /_ping", async () => {
    const socketPath = await engine(200);
    expect(await pingDocker({ kind: "socket", host: `unix://${socketPath}`, socketPath })).toEqual({
      ok: true,
    });
  });

  it("reports a missing socket", async () => {
    const socketPath = path.join(dir, "none.sock");
    expect(await pingDocker({ kind: "socket", host: `unix://${socketPath}`, socketPath })).toEqual({
      ok: false,
      reason: "no such socket",
      code: "ENOENT",
    });
  });

  it("reports an engine that answers with an error", async () => {
    const socketPath = await engine(503);
    expect(await pingDocker({ kind: "socket", host: "unix://x", socketPath })).toEqual({
      ok: false,
      reason: "it answered /_ping with HTTP 503",
    });
  });

  it("gives up on an engine that does not answer", async () => {
    const socketPath = await engine("silent");
    const result = await pingDocker({ kind: "socket", host: "unix://x", socketPath }, 200);
    server?.closeAllConnections();
    expect(result).toEqual({ ok: false, reason: "no answer within 0.2 s" });
  });
});

describe("dockerUnreachable", () => {
  const probe = {
    kind: "socket",
    host: "unix:///var/run/docker.sock",
    socketPath: "/var/run/docker.sock",
  } as const;

  it("says nothing was changed and how to point at the engine", () => {
    expect(dockerUnreachable(probe, { ok: false, reason: "no such socket", code: "ENOENT" })).toBe(
      [
        "The Docker engine at unix:///var/run/docker.sock does not answer (no such socket): nothing was changed.",
        "Start Docker, or point DOCKER_HOST (or the stack's docker:host) at your engine, e.g. the Host that `docker context inspect` prints.",
      ].join("\n"),
    );
  });

  it("names the docker group when the socket is not the user's to use", () => {
    expect(
      dockerUnreachable(probe, { ok: false, reason: "permission denied", code: "EACCES" }).split(
        "\n",
      )[1],
    ).toBe(
      "Your user may not use the socket: add it to the docker group (then log in again), or use rootless Docker with DOCKER_HOST.",
    );
  });
});
