// Builds the browser bundles into ../static/build/ (committed, so that the
// Python package never needs Node). Usage: npm ci && npm run build
// ATENSI_DEV=1 npm run build: unminified, for debugging (do not commit that).
// ATENSI_BUILD_OUT=folder npm run build: elsewhere (scripts/test.sh compares that with the committed files).

import { build } from 'esbuild';
import { readFileSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(here, process.env.ATENSI_BUILD_OUT || '../static/build');

const bundles = [
  { name: 'atensi-viewer', entry: 'src/viewer.js', globalName: 'AtensiViewer' },
  { name: 'atensi-modeler', entry: 'src/modeler.js', globalName: 'AtensiModeler' }
];

const usedPackages = new Set();

// The properties panel library bundles CodeMirror and the FEEL/JSON editors for
// Camunda's and Zeebe's providers. Our panel (the BPMN base provider plus the
// ATENSI group) renders none of them, so they are replaced by an inert stub:
// about 600 KiB less. Entries that would need them: FeelEntry, FeelTextAreaEntry,
// TemplatingEntry, JsonEditorEntry and the FEEL popup. Do not use those.
const STUBBED = /^(@codemirror|@lezer|@bpmn-io\/(feel-editor|feelers-editor|lezer-feel|feel-lint|feel-analyzer|extract-process-variables)|@camunda\/feel-builtins|lezer-feel|feelers|feelin)(\/|$)/;

const stubPlugin = {
  name: 'stub-editors',
  setup(pluginBuild) {
    // bpmn-embedded.css also declares the legacy .eot/.svg font files; the
    // embedded woff/ttf data URLs are all a current browser needs.
    pluginBuild.onLoad({ filter: /bpmn-embedded\.css$/ }, args => ({
      loader: 'css',
      contents: readFileSync(args.path, 'utf8').replace(/@font-face\s*{[^}]*\.eot[^}]*}/, '')
    }));
    pluginBuild.onResolve({ filter: STUBBED }, args => ({ path: args.path, namespace: 'stub' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'stub' }, args => ({
      loader: 'js',
      contents: `
        // inert stand-in for ${args.path}: any property, call or construction
        // yields itself. Named imports are read through the prototype, which
        // esbuild's CommonJS interop gives the import namespace.
        function get(target, key) {
          if (key === '__esModule') { return false; }
          if (key === Symbol.toPrimitive) { return function() { return ''; }; }
          if (key === Symbol.iterator) { return [][Symbol.iterator]; }
          if (key === 'then') { return undefined; }
          return inert;
        }
        var proto = new Proxy({}, { get: get });
        var inert = new Proxy(function() {}, {
          get: get,
          getPrototypeOf: function() { return proto; },
          apply: function() { return inert; },
          construct: function() { return inert; }
        });
        module.exports = inert;`
    }));
  }
};

function packageOf(inputPath) {
  const parts = inputPath.split('node_modules/');
  if (parts.length < 2) {
    return null;
  }
  const segments = parts[parts.length - 1].split('/');
  const name = segments[0].startsWith('@') ? segments.slice(0, 2).join('/') : segments[0];
  return join(parts.slice(0, -1).join('node_modules/'), 'node_modules', name);
}

for (const bundle of bundles) {
  const result = await build({
    absWorkingDir: here,
    entryPoints: { [bundle.name]: bundle.entry },
    bundle: true,
    format: 'iife',
    globalName: bundle.globalName,
    minify: !process.env.ATENSI_DEV,
    target: [ 'es2020', 'chrome100', 'firefox100', 'safari15' ],
    outdir,
    metafile: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: {
      js: `/*! ${bundle.name}: bpmn-js and friends (MIT, bpmn.io watermark must stay visible). ` +
        'Third-party licences: THIRD-PARTY-LICENSES.txt */',
      css: `/*! ${bundle.name}: see THIRD-PARTY-LICENSES.txt */`
    },
    plugins: [ stubPlugin ],
    logLevel: 'warning'
  });

  for (const input of Object.keys(result.metafile.inputs)) {
    const pkg = packageOf(input);
    if (pkg) {
      usedPackages.add(pkg);
    }
  }
}

// Licence texts of every bundled package, as MIT and ISC ask.
const notices = [ ...usedPackages ].sort().map(function(pkgDir) {
  const meta = JSON.parse(readFileSync(join(here, pkgDir, 'package.json'), 'utf8'));
  const licenceFile = readdirSync(join(here, pkgDir)).find(f => /^(licen[cs]e|copying)/i.test(f));
  const text = licenceFile ? readFileSync(join(here, pkgDir, licenceFile), 'utf8').trim() : '(no licence file shipped)';
  return `${meta.name}@${meta.version} (${meta.license})\n${'-'.repeat(60)}\n${text}\n`;
});

writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.txt'),
  'Packages bundled into atensi-viewer.js and atensi-modeler.js\n\n' + notices.join('\n'));

for (const file of readdirSync(outdir)) {
  const path = join(outdir, file);
  if (statSync(path).isFile()) {
    console.log(`${relative(here, path)}\t${(statSync(path).size / 1024).toFixed(1)} KiB`);
  }
}

if (!existsSync(join(outdir, 'atensi-modeler.js'))) {
  process.exit(1);
}
