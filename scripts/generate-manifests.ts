/** `npm run generate`: write manifests/generated/<plural>.yaml for every kind. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS } from '../hooks/registry.js';
import { generatedManifest } from '../schemas/crd.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'manifests', 'generated');
mkdirSync(dir, { recursive: true });
for (const kind of KINDS) {
  const file = join(dir, `${kind.names.plural}.yaml`);
  writeFileSync(file, generatedManifest(kind));
  process.stdout.write(`wrote ${file}\n`);
}
