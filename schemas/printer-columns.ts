/** Printer columns (`kubectl get`) every kind shows. A kind lists its own columns first. */
import type { PrinterColumn } from '../hooks/core/kind.js';

/** The condition columns every kind shows: READY, and REASON with `-o wide`. */
export const CONDITION_COLUMNS: PrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', priority: 1 },
];

/** The AGE column, last by kubectl convention. */
export const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
