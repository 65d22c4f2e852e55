// Runs electronegativity's scanner on one directory and writes its CSV report.
// Its CLI (`electronegativity -i … -o …`) cannot start here: it requires an undeclared `commander`
// and gets the project's commander 14, whose API it does not know. Its runner is the same scan.
// Usage: node electronegativity-runner.mjs <input dir> <output.csv> <electron version> [excluded check,…]
import fs from 'node:fs';

const [input, output, electronVersion, excluded = ''] = process.argv.slice(2);

// Its CSV writer starts two fs.writeFile calls at once (the header with 'w', the rows with 'a'),
// which race and now and then leave a garbled file. Writes to the report happen in call order here.
const asyncWriteFile = fs.writeFile;
fs.writeFile = (path, data, options, callback) => {
  const done = typeof options === 'function' ? options : callback;
  if (path !== output) return asyncWriteFile(path, data, options, callback);
  try {
    fs.writeFileSync(path, data, typeof options === 'function' ? undefined : options);
  } catch (error) {
    return done?.(error);
  }
  return done?.(null);
};

const { default: run } = await import('@doyensec/electronegativity/dist/runner.js');
try {
  const result = await run({
    input,
    output,
    isSarif: false,
    customScan: [],
    excludeFromScan: excluded.split(',').filter(Boolean),
    isRelative: true,
    isVerbose: false,
    electronUpgrade: undefined,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  });
  process.stdout.write(`${JSON.stringify({ errors: result.errors, issues: result.issues.length })}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
