/** Pure: KMS key references as services report them back. */

/**
 * Whether a KMS key reference from the spec names the key a service reports. Services may
 * report a key given as an ID as its ARN, or keep it as written: equal when identical, or when
 * one is the ARN of the other's `key/<id>` or `alias/<name>`. An alias is not resolved to its
 * key (that needs a KMS call): an alias and a key ARN are not equal. An unset desired key
 * accepts whatever the service chose (its default key).
 */
export function sameKmsKey(desired: string | undefined, observed: string | undefined): boolean {
  if (desired === undefined) return true;
  if (observed === undefined) return false;
  if (desired === observed) return true;
  const tail = (k: string) => k.replace(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:/, '');
  return tail(desired) === tail(observed) || tail(desired) === `key/${observed}` || tail(observed) === `key/${desired}`;
}
