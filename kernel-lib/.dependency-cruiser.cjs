// Dependency rules of kernel-lib/src: the layer order of layers.cjs, no cycles, and no import
// that does not resolve or names a package kernel-lib does not declare.
const { LAYERS } = require('./layers.cjs');

const layerRules = LAYERS.map(({ folder, imports }) => ({
  name: `${folder}-imports-only-below`,
  comment: `src/${folder} may import from: ${[folder, ...imports].join(', ')} (see ARCHITECTURE.md)`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: { path: '^src/', pathNot: [folder, ...imports].map((allowed) => `^src/${allowed}/`) }
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true }
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true }
    },
    {
      name: 'only-declared-packages',
      comment: 'a package kernel-lib/package.json does not declare would be missing for a user of distlab',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown', 'npm-dev'] }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' }
  }
};
