import { normalizeText } from './normalize';
import { detectProfile } from './profile-detector';

const detect = (text: string) => detectProfile(normalizeText(text));

describe('detectProfile', () => {
  it.each([
    ['Bonjour, je suis la maman de Léo en CE1', 'Relative'],
    ['mon fils n’arrive pas à se connecter', 'Relative'],
    ['nous sommes famille d’accueil d’une petite fille de CP', 'Guest'],
    ['je suis bénévole pour l’aide aux devoirs', 'Guest'],
    ['je suis en CM2 et j’ai oublié mon mot de passe', 'Student'],
    ['ma maîtresse m’a donné un code', 'Student'],
    ['je suis enseignante en CE2', 'Teacher'],
    ['mes élèves n’apparaissent pas dans ma classe', 'Teacher'],
    ['En tant que directrice, je dois rattacher les enseignants', 'Personnel'],
    ['je suis ERUN de la circonscription', 'Personnel'],
  ])('%s → %s', (text, profile) => {
    expect(detect(text)).toBe(profile);
  });

  it('prefers what people say about themselves over hints', () => {
    expect(detect('je suis directeur et ma classe de CM2 n’a pas de compte')).toBe('Personnel');
    expect(detect('la famille d’accueil de mon enfant ne peut pas se connecter')).toBe('Guest');
  });

  it('does not guess without a clue', () => {
    expect(detect('mot de passe oublié')).toBeNull();
    expect(detect('comment vider la corbeille ?')).toBeNull();
  });
});
