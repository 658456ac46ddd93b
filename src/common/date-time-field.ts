import { z } from 'zod';

/**
 * An ISO 8601 date-time with an offset, as PostgreSQL's timestamptz reads it:
 * zod accepts the year 0000, which PostgreSQL refuses ("date/time field value
 * out of range"), so a query that passes it on would fail with a 500.
 */
export const dateTimeField = () =>
  z.iso.datetime({ offset: true }).refine((s) => !s.startsWith('0000'), 'there is no year 0000 (1 BC is written 0001 BC)');
