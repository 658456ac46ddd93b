/** The safeguards of trusted reset tools, fixed rather than configurable. */
export const LINK_VALIDITY_MS = 10 * 60_000;
export const CONFIRMATION_VALIDITY_MS = 2 * 60_000;
/** Renewal codes and ENT resets per account in a sliding day. */
export const TARGET_SECRET_LIMIT = 3;
export const TARGET_WINDOW_MS = 24 * 3_600_000;
export const ACTOR_WINDOW_MS = 3_600_000;
/** An approval nobody decided within a day is withdrawn (the requester may ask again). */
export const APPROVAL_VALIDITY_MS = 24 * 3_600_000;
/** Refresh a grant this long before it expires, so it never runs out mid-action. */
export const GRANT_REFRESH_MARGIN_MS = 30_000;
