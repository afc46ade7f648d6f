/**
 * kubectl (and the API server's apply path) reads YAML 1.1, where an unquoted `N`, `y`, `yes`,
 * `no`, `on`, `off`, a date or a leading-zero number is not a string: `type: N` in a Table sample
 * became the boolean `false` and `kubectl apply -f manifests/samples/` failed. Every sample must
 * therefore mean the same read as YAML 1.1 and as YAML 1.2 (what our tools use). NOTE: samples only:
 * install.yaml's `defaultMode: 0440` is octal on purpose (kubectl reads YAML 1.1), and the `yaml`
 * library's 1.1 schema reads a bare `.` (kustomize-namespace.yaml) as NaN where kubectl does not.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const samplesDir = join(ROOT, 'manifests', 'samples');
/** The chart's generated CRDs and CompositeControllers, which Helm (YAML 1.1) reads as they are. */
const chartFilesDir = join(ROOT, 'charts', 'awshooks', 'files');

/** Every .yaml/.yml file below `dir`. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(e.name) ? [path] : [];
  });
}

/** The documents of a file as plain values, read with one YAML version. */
function read(text: string, version: '1.1' | '1.2'): unknown[] {
  return parseAllDocuments(text, { version }).map((d) => d.toJS({ maxAliasCount: -1 }) as unknown);
}

t.test('the check itself: an unquoted N differs between YAML 1.1 and 1.2, a quoted one does not', async (t) => {
  t.notSame(read('type: N\n', '1.1'), read('type: N\n', '1.2'));
  t.same(read('type: "N"\n', '1.1'), read('type: "N"\n', '1.2'));
});

t.test('every sample means the same in YAML 1.1 (kubectl) and YAML 1.2: no unquoted y/n/yes/no/on/off, dates or octals', async (t) => {
  const files = yamlFiles(samplesDir);
  t.ok(files.length > 0, 'the samples are scanned');
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    t.same(read(text, '1.1'), read(text, '1.2'), `${relative(samplesDir, file)}: read alike by YAML 1.1 and 1.2`);
  }
});

t.test('the chart\'s CRDs and CompositeControllers read alike in YAML 1.1 (Helm) and 1.2: an enum value N stays "N"', async (t) => {
  const files = yamlFiles(chartFilesDir);
  t.ok(files.length > 0, 'the chart files are scanned');
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    t.same(read(text, '1.1'), read(text, '1.2'), `${relative(ROOT, file)}: read alike by YAML 1.1 and 1.2`);
  }
});
