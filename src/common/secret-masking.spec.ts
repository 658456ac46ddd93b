import { MASKED_SECRET, maskSecrets } from './secret-masking';

describe('maskSecrets', () => {
  it.each([
    ['mon mot de passe est Soleil2024! et ça ne marche pas', 'Soleil2024!'],
    ['mdp : azerty', 'azerty'],
    ['Le code de renouvellement est k7mxq2pa.', 'k7mxq2pa'],
    ['voici le code reçu : ab3k9xyz', 'ab3k9xyz'],
    ['j’ai essayé Tr0ub4dor&3 sans succès', 'Tr0ub4dor&3'],
    ['password=hunter22', 'hunter22'],
    ['mon mdp : soleil, il ne marche plus', 'soleil'],
  ])('masks the secret in « %s »', (text, secret) => {
    const masked = maskSecrets(text);
    expect(masked).not.toContain(secret);
    expect(masked).toContain(MASKED_SECRET);
  });

  it.each([
    'mon mot de passe est bloqué',
    'Mot de passe oublié pour le compte de Léa Martin',
    'Le ticket REL-000123 concerne l’école 0750001A',
    'je ne reçois pas le code de renouvellement',
    'Bonjour, mon fils ne peut plus se connecter depuis lundi.',
    'Voici un nouveau code de renouvellement : demande-le à ta maîtresse.',
  ])('leaves « %s » as it is', (text) => {
    expect(maskSecrets(text)).toBe(text);
  });
});
