/**
 * Key order. S3 lists keys in UTF-8 binary order, which equals Unicode code
 * point order. JavaScript's `<` compares UTF-16 code units and puts U+E000 to
 * U+FFFF after astral characters, so stores that sort keys themselves use this.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);

  for (let i = 0; i < length; i++) {
    const left = a.codePointAt(i)!;
    const right = b.codePointAt(i)!;
    if (left !== right) return left < right ? -1 : 1;
    // Skip the low half of a surrogate pair: both strings share it here.
    if (left > 0xffff) i++;
  }

  return a.length - b.length;
}
