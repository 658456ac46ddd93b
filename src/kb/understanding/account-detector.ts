import { Profile } from '../../directory/profiles';

/**
 * Whose account a message is about when it is not the writer's own: a pupil's
 * (a teacher about « un élève », a parent about « mon fils »), a parent's (staff
 * about « un parent »), a teacher's (a director about « une collègue »). Works
 * on normalised text (lower case, SMS spellings written out). Null: the
 * writer's own account, or no clue. Pupils only ever ask about their own.
 */
function pattern(source: string): RegExp {
  return new RegExp(`(?<![\\p{L}])(?:${source})(?![\\p{L}])`, 'u');
}

const CHILD = '(?:mon|ma|mes|notre|nos|son|sa|ses|leur|leurs) (?:fils|filles?|enfants?|garçons?|petite?s?|gamine?s?|aînée?|cadette?|jumeaux|jumelles|grande?|bébé)|(?:my|our|his|her|their) (?:son|daughter|child|children|kids?|boy|girl)';
const PUPIL = "(?:un|une|l'|les|des|mes|nos|cet|cette|plusieurs|certains|quelques|deux|trois|\\d+|d'un|d'une|de mes) (?:élèves?|écoliers?|écolières?|enfants?)|élèves? de (?:ma|la|notre) classe|(?:a|one of my|my|some|several) (?:pupils?|students?)";
const PARENT_OF_PUPIL = "parents? d'(?:un |une |des |mes )?(?:élèves?|enfants?)|(?:la|le) (?:maman|papa|mère|père) d'(?:un|une) (?:élève|enfant)";
const PARENT = "(?:un|une|les|des|deux|certains|plusieurs|nos|mes|ce|cette|quelques) (?:parents?|familles?|mamans?|papas?|responsables? légaux|responsables?)|(?:a|some|the|several) (?:parents?|guardians?|families)";
const TEACHER = "(?:un|une|mon|ma|notre|nos|mes|le|la|cette|ce) (?:collègues?|enseignante?s?|professeure?s?|profs?|remplaçante?s?|stagiaires?)|(?:a|my) (?:colleague|teacher)";
const SELF_ACCOUNT = "(?:mon|mes|ma) (?:propre |nouveau |nouvel |ancien )?(?:mot de passe|compte|identifiant|code|codes|accès|login|connexion)|(?:me|m') (?:connecter|reconnecter|connexion|identifier)|(?:my) (?:password|account|login|code)";
const OTHER_ACCOUNT = "(?:son|sa|ses|leur|leurs) (?:nouveau |propre )?(?:mot de passe|compte|identifiant|identifiants|code|codes|accès|login|connexion)|(?:se|s') (?:connecter|reconnecter|identifier)|(?:mot de passe|compte|identifiant|code|codes|accès)s? (?:de|d'|du|des) (?:l'|un |une |mon |ma |mes |ce |cet |cette |la |le |les )?(?:élève|enfant|fils|fille|parent|collègue|enseignant)|(?:his|her|their) (?:password|account|login|code)";

const RULES: { holder: Profile; readers: readonly (Profile | null)[]; pattern: RegExp }[] = [
  { holder: 'Relative', readers: [null, 'Teacher', 'Personnel', 'Guest'], pattern: pattern(PARENT_OF_PUPIL) },
  { holder: 'Student', readers: [null, 'Teacher', 'Personnel', 'Relative', 'Guest'], pattern: pattern(CHILD) },
  { holder: 'Student', readers: [null, 'Teacher', 'Personnel', 'Relative', 'Guest'], pattern: pattern(PUPIL) },
  { holder: 'Relative', readers: [null, 'Teacher', 'Personnel', 'Guest'], pattern: pattern(PARENT) },
  { holder: 'Teacher', readers: ['Teacher', 'Personnel'], pattern: pattern(TEACHER) },
];
const SELF = pattern(SELF_ACCOUNT);

/** Whose accounts a reader may write about: what answers must be ready for. */
export function possibleHolders(writer: Profile | null): Profile[] {
  return [...new Set(RULES.filter((r) => r.readers.includes(writer) && r.holder !== writer).map((r) => r.holder))];
}
const OTHER = pattern(OTHER_ACCOUNT);

export function detectAccountHolder(normalizedText: string, writer: Profile | null): Profile | null {
  if (writer === 'Student') return null;
  // "J'ai oublié mon mot de passe, mes élèves attendent": the writer's own account.
  if (SELF.test(normalizedText) && !OTHER.test(normalizedText)) return null;
  for (const rule of RULES) {
    if (rule.readers.includes(writer) && rule.pattern.test(normalizedText)) return rule.holder === writer ? null : rule.holder;
  }
  return null;
}
