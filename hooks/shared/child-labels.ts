/** Labels every child carries. */

/** Labels on every child, so `kubectl get -l` finds them: who manages it, and which parent owns it. */
export function childLabels(kind: string, parentName: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': kind, 'awshooks.dev/owner-name': parentName };
}
