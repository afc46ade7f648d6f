/** Pure: which policy version to delete before creating a new one. */

/** IAM keeps at most five versions of a managed policy. */
export const MAX_POLICY_VERSIONS = 5;

/** A policy version as ListPolicyVersions reports it. */
export interface PolicyVersionInfo {
  versionId: string;
  isDefault: boolean;
  createDate?: Date;
}

function versionNumber(id: string): number {
  const n = Number(id.replace(/^v/, ''));
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

/**
 * The version to delete so that one more fits, or undefined when there is room: the oldest
 * non-default version (by creation date, then by version number). Never the default one
 * (seed 002 deleted `versions[0]` blindly, which can be the default).
 */
export function versionToPrune(versions: readonly PolicyVersionInfo[], limit = MAX_POLICY_VERSIONS): string | undefined {
  if (versions.length < limit) return undefined;
  const candidates = versions
    .filter((v) => !v.isDefault)
    .sort((a, b) => {
      const ta = a.createDate?.getTime() ?? Number.MAX_SAFE_INTEGER;
      const tb = b.createDate?.getTime() ?? Number.MAX_SAFE_INTEGER;
      return ta !== tb ? ta - tb : versionNumber(a.versionId) - versionNumber(b.versionId);
    });
  return candidates[0]?.versionId;
}

/** The versions to delete before DeletePolicy: every non-default one (IAM refuses otherwise). */
export function versionsToDeleteBeforePolicy(versions: readonly PolicyVersionInfo[]): string[] {
  return versions
    .filter((v) => !v.isDefault)
    .map((v) => v.versionId)
    .sort((a, b) => versionNumber(a) - versionNumber(b));
}
