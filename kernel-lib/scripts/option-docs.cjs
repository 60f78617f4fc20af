// After tsc: turn each `type XOptions = OptionsOf<typeof X_OPTIONS>` in dist/*.d.ts into an
// interface whose properties carry the doc, range and default of their declaration, so
// completion and Shift-Tab in the kernel show what `declareOptions` states once.
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const DIST = join(__dirname, '..', 'dist');
const ALIAS = /^export type (\w+) = OptionsOf<typeof (\w+)>;$/gm;

function* declarationFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* declarationFiles(path);
    else if (entry.name.endsWith('.d.ts')) yield path;
  }
}

function comment(text, indent) {
  const safe = text.replace(/\*\//g, '*\\/');
  return `${indent}/** ${safe} */`;
}

// Loading the package runs every declareOptions, so each set is in the registry too.
const { optionDoc } = require(join(DIST, 'core', 'options.js'));
let rewritten = 0;
for (const file of declarationFiles(DIST)) {
  const source = readFileSync(file, 'utf8');
  if (!ALIAS.test(source)) continue;
  ALIAS.lastIndex = 0;
  const moduleExports = require(file.replace(/\.d\.ts$/, '.js'));
  const output = source.replace(ALIAS, (_, typeName, constName) => {
    const set = moduleExports[constName];
    if (!set || !set.specs) throw new Error(`option-docs: ${file} declares ${typeName} from ${constName}, which the module does not export as an option set`);
    const lines = [`export interface ${typeName} {`];
    for (const key of set.keys) {
      lines.push(comment(optionDoc(set.specs[key]), '    '));
      const optional = set.specs[key].required ? '' : '?';
      lines.push(`    ${key}${optional}: OptionsOf<typeof ${constName}>['${key}'];`);
    }
    lines.push('}');
    rewritten++;
    return lines.join('\n');
  });
  writeFileSync(file, output);
}
process.stdout.write(`option-docs: ${rewritten} option interfaces documented from their declarations\n`);
