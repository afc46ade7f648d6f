/** Entry point: load configuration, build the app, listen, shut down gracefully. */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`awshooks: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await buildApp({ config });
  if (config.authDisabled) app.hooks.log.warn('HOOK_AUTH_DISABLED=true: hook routes accept unauthenticated calls; never do this in a cluster');

  // On SIGTERM: fail readiness, stop accepting, finish in-flight hooks, then exit.
  closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
    if (err) app.hooks.log.error({ err }, 'shutting down after an error');
    else app.hooks.log.info({ signal }, 'shutting down');
    await app.close();
  });

  await app.ops.listen({ host: config.host, port: config.metricsPort });
  await app.hooks.listen({ host: config.host, port: config.port });
  app.hooks.log.info(
    { port: config.port, metricsPort: config.metricsPort, tls: Boolean(config.tls), auth: !config.authDisabled, endpoint: config.awsEndpointUrl ?? 'AWS' },
    'awshooks listening',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`awshooks: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
