/**
 * The coverage of the last tap run, summarized (scripts/test.sh runs it after the unit phase;
 * `npx tsx scripts/coverage-summary.ts text` after any tap run gives the per-file table).
 *
 * tap collects V8 coverage and maps it to the TypeScript sources through the source maps tsx
 * writes. NOTE: tsx leaves `sourcesContent: [null]` in them, which the reporter
 * (v8-to-istanbul) reads as empty sources, so every file would count one statement, covered.
 * Dropping that list first makes the reporter read the sources from disk. No threshold: the
 * figures are printed, not enforced (package.json: allow-incomplete-coverage).
 *
 * Usage: tsx scripts/coverage-summary.ts [istanbul reporter, default text-summary]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const COVERAGE_DIR = join(ROOT, '.tap', 'coverage');

/** The parts of a V8 coverage file (NODE_V8_COVERAGE) this script touches. */
interface V8CoverageFile {
  'source-map-cache'?: Record<string, { data?: { sourcesContent?: (string | null)[] } }>;
}

/** Remove the source maps' all-null sourcesContent lists; true when the file changed. */
function dropNullSourcesContent(file: string): boolean {
  const coverage = JSON.parse(readFileSync(file, 'utf8')) as V8CoverageFile;
  let changed = false;
  for (const entry of Object.values(coverage['source-map-cache'] ?? {})) {
    const content = entry.data?.sourcesContent;
    if (entry.data && content?.every((c) => c === null)) {
      delete entry.data.sourcesContent;
      changed = true;
    }
  }
  if (changed) writeFileSync(file, JSON.stringify(coverage));
  return changed;
}

const reporter = process.argv[2] ?? 'text-summary';
if (!existsSync(COVERAGE_DIR)) {
  console.log('no coverage collected (.tap/coverage/ is missing)');
  process.exit(0);
}
for (const name of readdirSync(COVERAGE_DIR)) if (name.endsWith('.json')) dropNullSourcesContent(join(COVERAGE_DIR, name));
const report = spawnSync('npx', ['tap', 'report', reporter], { cwd: ROOT, stdio: 'inherit' });
process.exit(report.status ?? 1);
