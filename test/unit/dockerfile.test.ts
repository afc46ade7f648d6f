import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT as root, podSpec, container } from '../helpers/manifests.js';

t.test('Dockerfile agrees with the Deployment and package.json', async (t) => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; engines: { node: string } };
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = lines.filter((l) => /^FROM\s/i.test(l));
  const final = stages.at(-1) ?? '';
  t.match(final, /^FROM\s+gcr\.io\/distroless\/nodejs24-debian12:nonroot\b/, 'runs on distroless Node 24 LTS');
  t.ok(
    stages.slice(0, -1).every((l) => l.includes('node:24-bookworm-slim')),
    'builds with the same Node major',
  );
  t.equal(process.versions.node.split('.')[0], '24', "the tests run on the image's Node major");
  t.match(pkg.engines.node, /^>=24\b/, 'package.json engines names the same major');
  const finalLines = lines.slice(lines.lastIndexOf(final));
  const user = finalLines
    .filter((l) => /^USER\s/.test(l))
    .at(-1)
    ?.split(/\s+/)[1];
  t.equal(user?.split(':')[0], String(podSpec.securityContext?.runAsUser), 'USER is the Deployment’s runAsUser');
  const exposed = finalLines
    .filter((l) => /^EXPOSE\s/.test(l))
    .flatMap((l) => l.split(/\s+/).slice(1))
    .map(Number);
  t.same(exposed.sort(), (container.ports ?? []).map((p) => p.containerPort).sort(), 'EXPOSE lists the container ports');
  const cmd = finalLines.filter((l) => /^CMD\s/.test(l)).at(-1) ?? '';
  const cmdArgs = JSON.parse(cmd.replace(/^CMD\s+/, '')) as string[];
  t.same(cmdArgs, pkg.scripts.start?.replace(/^node\s+/, '').split(/\s+/), 'CMD runs what `npm start` runs (node flags included)');
  t.same(cmdArgs.slice(0, -1), ['--min-semi-space-size=8', '--max-semi-space-size=8'], "V8's young generation is fixed at 8 MiB semi-spaces");
  t.ok(
    finalLines.some((l) => /^COPY\s+--from=\w+\s+\S*dist\b/.test(l)),
    'copies the compiled dist/',
  );
  t.ok(lines.some((l) => /npm ci\b.*--omit=dev/.test(l)) || lines.some((l) => /npm prune\b.*--omit=dev/.test(l)), 'ships production dependencies only');
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim());
  for (const p of ['node_modules', 'dist', '.git', 'test']) t.ok(ignored.includes(p), `.dockerignore excludes ${p}`);
  for (const p of ['server', 'hooks', 'schemas', 'package.json', 'package-lock.json']) {
    t.notOk(ignored.includes(p), `.dockerignore keeps ${p}, which the build needs`);
  }
});
