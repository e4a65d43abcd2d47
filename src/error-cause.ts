/**
 * Returns an error's message followed by its cause's, for messages that
 * report why a fetch failed: fetch in Node puts the reason (a refused
 * connection, a DNS failure) in the cause of a bare "fetch failed".
 */
export function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
