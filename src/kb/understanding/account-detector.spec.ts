import { normalizeText } from './normalize';
import { detectAccountHolder } from './account-detector';
import { Profile } from '../../directory/profiles';

const holder = (text: string, writer: Profile | null) => detectAccountHolder(normalizeText(text), writer);

describe('detectAccountHolder', () => {
  it.each([
    ['un élève a oublié son mot de passe, je fais comment ?', 'Teacher', 'Student'],
    ['réinitialiser le mot de passe d’un élève de ma classe', 'Teacher', 'Student'],
    ['mon fils a oublié son mdp', 'Relative', 'Student'],
    ['le compte de ma fille est bloqué', null, 'Student'],
    ['ma fille n’arrive pas à se connecter', 'Relative', 'Student'],
    ['un parent n’arrive pas à se connecter à l’ENT', 'Teacher', 'Relative'],
    ['les parents d’un élève ne retrouvent pas leur mot de passe', 'Personnel', 'Relative'],
    ['une collègue a perdu son mot de passe ENT', 'Personnel', 'Teacher'],
    ['my son forgot his password', 'Relative', 'Student'],
    ['notre enfant placé ne peut plus se connecter', 'Guest', 'Student'],
  ] as const)('%s (%s) → %s', (text, writer, expected) => {
    expect(holder(text, writer)).toBe(expected);
  });

  it.each([
    ['j’ai oublié mon mot de passe, mes élèves attendent', 'Teacher'],
    ['je suis la maman de Léo et j’ai perdu mon identifiant ÉduConnect', 'Relative'],
    ['mot de passe oublié', null],
    ['mon prof a bloqué mon compte', 'Student'],
    ['mes élèves ont un code mais ma classe est vide', 'Student'],
  ] as const)('%s (%s) → own account', (text, writer) => {
    expect(holder(text, writer)).toBeNull();
  });
});
