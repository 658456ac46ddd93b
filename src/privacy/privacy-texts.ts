/** What anonymised records say instead of a person and their words (shown to staff, so in French). */
export const ERASED_PERSON = '[personne effacée]';
export const ANONYMISED_PERSON = '[anonyme]';
export const ANONYMISED_TEXT = '[contenu anonymisé]';
