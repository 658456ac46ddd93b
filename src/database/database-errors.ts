/** A unique constraint refused the row: from TypeORM (QueryFailedError.driverError) or from a raw prepared statement. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | null;
  return e?.code === '23505' || e?.driverError?.code === '23505';
}
