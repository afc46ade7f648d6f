/** Pure: a Repository's status fields and its children. */
import type { ChildrenInput } from '../core/kind.js';
import type { KubeObject } from '../core/types.js';
import { withoutForeignChildren, type WouldBeChild } from '../core/child-names.js';
import { childLabels } from '../shared/child-labels.js';
import type { RepositorySpec, RepositoryStatus } from '../../schemas/repository.js';
import { managedConfigurations, type RepositoryObserved } from './delta.js';
import type { RepositoryDesired } from './desired.js';

/** The kind's status fields from what ECR reported. */
export function repositoryStatus(desired: RepositoryDesired, observed: RepositoryObserved): RepositoryStatus {
  const configurations = managedConfigurations(desired);
  return {
    repositoryName: desired.repositoryName,
    repositoryArn: observed.arn,
    repositoryUri: observed.uri,
    region: desired.region,
    managedTagKeys: Object.keys(desired.tags).sort(),
    managedConfigurations: configurations.length ? configurations : undefined,
  };
}

/** The ConfigMap child's name. */
export function configMapName(parentName: string): string {
  return `${parentName}-repository`;
}

/** The children a Repository answers (by name), for the customize hook and the child-name conflict check. */
export function repositoryWouldBeChildren(parentName: string): WouldBeChild[] {
  return [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', name: configMapName(parentName) }];
}

/**
 * The ConfigMap apps (and CI jobs) read with `envFrom`. Computed from status only, so the same
 * children come back on every path; absent until the repository exists.
 */
export function repositoryChildren(input: ChildrenInput<RepositorySpec, RepositoryStatus, RepositoryDesired>): KubeObject[] {
  const { status, parent } = input;
  if (!status.repositoryUri) return [];
  // A ConfigMap another object holds is left out (desired() reports the Conflict).
  return withoutForeignChildren(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: configMapName(parent.metadata.name), labels: childLabels('Repository', parent.metadata.name) },
        data: {
          REPOSITORY_URI: status.repositoryUri,
          REPOSITORY_ARN: status.repositoryArn ?? '',
          REPOSITORY_NAME: status.repositoryName ?? '',
          AWS_REGION: status.region ?? input.spec?.region ?? '',
        },
      },
    ],
    parent,
    input.children,
    input.related,
  );
}
