import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';

export const ESCALATION_NOTE_TEMPLATE = join(__dirname, 'templates', 'escalation-note.hbs');

/** What the ENT's custom fields say that a ticket has no field for, told to the people handling it. */
export interface EscalationNote {
  entTicketId: string;
  requester: string;
  manager: string | null;
  phone: string | null;
  schoolName: string | null;
  uai: string | null;
}

/** The internal note an escalated ticket starts with, in French (plain text: what people wrote is shown as written). */
export function escalationNoteRenderer(): (note: EscalationNote) => string {
  return Handlebars.create().compile(readFileSync(ESCALATION_NOTE_TEMPLATE, 'utf8').trimEnd(), { noEscape: true, strict: false });
}
