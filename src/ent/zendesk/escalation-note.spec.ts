import { readFileSync } from 'node:fs';
import { typographyFaults } from '../../common/french-typography';
import { ESCALATION_NOTE_TEMPLATE, escalationNoteRenderer } from './escalation-note';

describe('the note an escalated ticket starts with', () => {
  const render = escalationNoteRenderer();

  it('keeps French typography', () => {
    expect(typographyFaults(readFileSync(ESCALATION_NOTE_TEMPLATE, 'utf8'))).toEqual([]);
  });

  it('says what the custom fields carried', () => {
    expect(render({ entTicketId: '1234', requester: 'Julien Moreau', manager: 'Claire Dubois', phone: '0601020304', schoolName: 'École Jean-Moulin', uai: '0999001A' })).toBe(
      "Demande n°\u00a01234 transmise depuis l'Assistance ENT par Claire Dubois.\nDemandeur\u00a0: Julien Moreau, téléphone\u00a0: 0601020304.\nÉtablissement\u00a0: École Jean-Moulin (UAI 0999001A).",
    );
  });

  it('leaves out what they did not, and shows text as written (no HTML escaping)', () => {
    expect(render({ entTicketId: '7', requester: 'Famille <Garnier> & co', manager: null, phone: null, schoolName: null, uai: null })).toBe(
      "Demande n°\u00a07 transmise depuis l'Assistance ENT.\nDemandeur\u00a0: Famille <Garnier> & co.\nÉtablissement\u00a0: non précisé.",
    );
  });
});
