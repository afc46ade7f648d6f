/** Pure: the trust policy of a Role, always generated (IRSA), never taken from the user. */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError, TerminalError } from '../core/errors.js';

/** The EKS web-identity audience. */
export const STS_AUDIENCE = 'sts.amazonaws.com';

/** The OIDC issuer as IAM condition keys use it: host and path, no scheme, no trailing slash. */
export function issuerKey(config: Pick<HooksConfig, 'oidcIssuer' | 'oidcProviderArn'>): string | undefined {
  const raw = config.oidcIssuer ?? config.oidcProviderArn?.replace(/^arn:[^:]+:iam::\d{12}:oidc-provider\//, '');
  if (!raw) return undefined;
  return raw.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/** The Kubernetes subject of a service account token. */
export function serviceAccountSubject(namespace: string, serviceAccountName: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccountName}`;
}

/**
 * The trust policy: only the cluster's OIDC provider, only AssumeRoleWithWebIdentity, only
 * tokens of this one service account of the Role's own namespace, only for STS.
 * @throws TerminalError(NotConfigured) when the OIDC provider is not configured.
 */
export function trustPolicy(
  config: Pick<HooksConfig, 'oidcIssuer' | 'oidcProviderArn'>,
  namespace: string,
  serviceAccountName: string,
): Record<string, unknown> {
  const issuer = issuerKey(config);
  if (!config.oidcProviderArn || !issuer) {
    throw new TerminalError(
      'NotConfigured',
      'awshooks has no OIDC provider configured: the cluster admin must set OIDC_PROVIDER_ARN (and OIDC_ISSUER) before Roles can be created',
    );
  }
  if (namespace === '' || /[:/]/.test(namespace) || serviceAccountName === '' || /[:/]/.test(serviceAccountName)) {
    // Defence in depth: a ':' or '/' would change the meaning of the subject.
    throw new InvalidSpecError(`invalid service account "${namespace}/${serviceAccountName}": no ':' or '/' allowed`);
  }
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: config.oidcProviderArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: serviceAccountSubject(namespace, serviceAccountName),
            [`${issuer}:aud`]: STS_AUDIENCE,
          },
        },
      },
    ],
  };
}
