/**
 * The local AWS emulator (moto server) for integration tests. `npm test` starts it and sets
 * AWS_ENDPOINT_URL; a test run without it fails loudly instead of skipping.
 */
export function motoEndpoint(): string {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL is not set: run integration tests with `npm test`, which starts moto');
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  return endpoint;
}

/** Wipe every resource in the emulator, so that tests can run in any order. */
export async function resetMoto(): Promise<void> {
  const res = await fetch(`${motoEndpoint()}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
}
