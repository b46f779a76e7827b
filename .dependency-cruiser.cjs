/**
 * The dependency rule of the hexagon, checked on every `npm test` (`npm run check:architecture`). No exceptions are
 * listed: a file that needs one is in the wrong place.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import cycle makes load order matter and hides which module owns what.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'The domain imports nothing outside src/domain: no packages, no node:* modules, no other layer.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'application-uses-domain-and-ports',
      comment: 'Use cases orchestrate through ports; they import the domain and the ports, and no packages.',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { pathNot: '^src/(domain|ports|application)/' },
    },
    {
      name: 'ports-use-domain',
      comment: 'Ports are interfaces over domain types.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: '^src/(domain|ports)/' },
    },
    {
      name: 'adapters-stand-alone',
      comment: 'An adapter implements ports over the domain; it never reaches into another adapter.',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/', pathNot: ['^src/adapters/$1/', '^src/(domain|ports)/'] },
    },
    {
      name: 'inversify-in-the-composition-root',
      comment: 'Only the composition root knows the container.',
      severity: 'error',
      from: { pathNot: '^src/composition/' },
      to: { path: '(^|/)node_modules/(inversify|@inversifyjs/)' },
    },
    {
      name: 'testing-only-through-its-entry',
      comment: "The test tools (emulator, contract suites) are reached only through 'paxos-identity/testing'.",
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/testing/', '^src/testing[.]ts$'] },
      to: { path: '^src/testing/' },
    },
    {
      name: 'product-never-imports-testing',
      comment: 'Nothing in the library depends on the test tools; the CLI and the demo reach them as users do.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/testing/', '^src/testing[.]ts$', '^src/(cli|demo)/'] },
      to: { path: '^src/testing[.]ts$' },
    },
    {
      name: 'cli-and-demo-use-public-entries',
      comment: 'The CLI and the demo are users of the library: they import its public entry points only.',
      severity: 'error',
      from: { path: '^src/(cli|demo)/' },
      to: { path: '^src/', pathNot: ['^src/(cli|demo)/', '^src/[^/]+[.]ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    skipAnalysisNotInRules: false,
  },
};
