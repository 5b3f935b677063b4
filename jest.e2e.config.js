/** End-to-end suite: needs the Pulumi CLI and a Docker engine; not part of `npm test`. */
/** @type {import("jest").Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/tests/e2e"],
  testMatch: ["**/*.e2e.ts"],
  testTimeout: 20 * 60 * 1000,
};
