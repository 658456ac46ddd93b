import { frenchTypography, NBSP, NNBSP } from './french-typography';

describe('frenchTypography', () => {
  it.each([
    ['Bonjour : voici', `Bonjour${NBSP}: voici`],
    ['Accès: menu', `Accès${NBSP}: menu`],
    ['Qui voit qui ?', `Qui voit qui${NNBSP}?`],
    ['Qui voit qui?', `Qui voit qui${NNBSP}?`],
    ['deux ; trois', `deux${NNBSP}; trois`],
    ['Attention !', `Attention${NNBSP}!`],
    ['Vraiment ?!', `Vraiment${NNBSP}?!`],
    ['« Mes applis »', `«${NBSP}Mes applis${NBSP}»`],
    ['«Blog»', `«${NBSP}Blog${NBSP}»`],
    ['**Note :** rien', `**Note${NBSP}:** rien`],
  ])('%j → %j', (raw, expected) => {
    expect(frenchTypography(raw)).toBe(expected);
  });

  it('leaves times, web addresses and code alone', () => {
    expect(frenchTypography('à 10:30, voir https://exemple.fr/a?b=1 ou `x;y`')).toBe('à 10:30, voir https://exemple.fr/a?b=1 ou `x;y`');
  });

  it('is stable: applying it twice changes nothing', () => {
    const once = frenchTypography('Vous : « Mes applis » ? Oui ; non !');
    expect(frenchTypography(once)).toBe(once);
  });

  it('never joins lines', () => {
    expect(frenchTypography('fin\n: début')).toBe('fin\n: début');
  });
});
