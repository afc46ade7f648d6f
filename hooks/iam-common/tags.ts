/** Pure: IAM's tag lists ↔ plain maps. */

/** An IAM tag as the SDK has it. */
export interface IamTag {
  Key: string | undefined;
  Value: string | undefined;
}

/** IAM's `[{Key, Value}]` as a map. */
export function tagsFromList(list: readonly IamTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** A map as IAM's `[{Key, Value}]`, sorted by key (deterministic requests). */
export function tagsToList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key]! }));
}
