/** `3 events`, `1 event`: a count with its noun, plural when it is not one. */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
