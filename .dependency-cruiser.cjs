// @ts-check
/**
 * The import rules of the tree (docs/architecture.md explains them); `npm test` runs them through
 * infra/dev/test/tree.test.ts, and `npx depcruise --config .dependency-cruiser.cjs apps agents tools workflows infra`
 * prints any violation.
 *
 * Layers, top to bottom: apps → agents / tools → workflows (+ workflows/contracts); infra/runtime sits below every
 * service; infra/dev (the dev machine) and infra/testing (fixtures) are never imported by a service's src.
 */
const SERVICE_SRC = '^(apps/[^/]+/(src|client)|agents/src|tools/src|workflows/src|workflows/contracts/src|infra/runtime/src)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle between source files, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'services-not-on-dev-tooling',
      severity: 'error',
      comment: 'A running service (its src) never imports infra/dev (the npm start supervisor, provisioning) or infra/testing (fixtures).',
      from: { path: SERVICE_SRC },
      to: { path: '^infra/(dev|testing|e2e|bench)/' },
    },
    {
      name: 'contracts-are-the-bottom',
      severity: 'error',
      comment: 'workflows/contracts imports no other hub package.',
      from: { path: '^workflows/contracts/src/' },
      to: { path: '^(apps|agents|tools|infra)/|^workflows/src/' },
    },
    {
      name: 'workflows-import-only-contracts',
      severity: 'error',
      comment: 'Workflow code imports only the contracts among hub packages (the lint fence narrows that to */wire at runtime).',
      from: { path: '^workflows/src/' },
      to: { path: '^(apps|agents|tools|infra)/' },
    },
    {
      name: 'runtime-below-services',
      severity: 'error',
      comment: 'infra/runtime imports only the contracts among hub packages.',
      from: { path: '^infra/runtime/src/' },
      to: { path: '^(apps|agents|tools|infra/(dev|testing|e2e|bench))/|^workflows/src/' },
    },
    {
      name: 'agents-tools-below-apps',
      severity: 'error',
      comment: 'agents and tools never import the apps (gateway, worker, CLI, web, local model).',
      from: { path: '^(agents|tools)/src/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-app-to-app',
      severity: 'error',
      comment: 'Apps do not import each other, except the CLI and the web app using the gateway\'s typed client (apps/gateway/client).',
      from: { path: '^apps/([^/]+)/(src|client)/' },
      to: { path: '^apps/([^/]+)/', pathNot: ['^apps/$1/', '^apps/gateway/client/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.hub|\\.turbo)/|\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
