/**
 * Jest resolver (jest.config.js): the Kubernetes schema models export their files under the
 * `import` condition only, which Jest's CommonJS resolution (`require`, `default`) never
 * matches. Those packages are resolved as an `import` would; everything else as before.
 */
const ESM_ONLY = /^(@kubernetes-models\/|kubernetes-models(\/|$))/;

module.exports = (request, options) =>
  options.defaultResolver(
    request,
    ESM_ONLY.test(request) ? { ...options, conditions: ["import", "default"] } : options,
  );
