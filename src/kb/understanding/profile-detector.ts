import { Profile } from '../../directory/profiles';

/**
 * Guesses who is writing from what they say about themselves ("je suis la
 * maman de…", "ma classe", "famille d'accueil"). Works on normalised text.
 * A statement about oneself ("je suis…", "en tant que…") weighs more than a
 * hint ("mes élèves"); no clue, no guess.
 */
const SELF = "(?:je suis|j'suis|en tant que|en tant qu'|moi|nous sommes|on est)\\s+(?:un |une |le |la |l'|les |des |)";

interface Cue {
  profile: Profile;
  weight: number;
  pattern: RegExp;
}

function cue(profile: Profile, weight: number, source: string): Cue {
  return { profile, weight, pattern: new RegExp(`(?<![\\p{L}])(?:${source})(?![\\p{L}])`, 'u') };
}

const CUES: Cue[] = [
  cue('Guest', 3, "famille d'accueil|familles d'accueil|assistante? familiale?|accueillons|accueille un enfant|enfant placé|placé chez nous"),
  cue('Guest', 3, `${SELF}(?:bénévole|intervenante?|invitée?|animatrice|animateur|partenaire)`),
  cue('Guest', 2, 'compte invité|intervenante? extérieure?|bénévoles?'),

  cue('Relative', 3, `${SELF}(?:maman|papa|mère|père|parent|parents|tuteur|tutrice|grand-mère|grand-père|mamie|papi|responsable légal|beau-père|belle-mère)`),
  cue('Relative', 3, "parent d'élève|parents d'élèves|la maman de|le papa de|la mère de|le père de"),
  cue('Relative', 2, '(?:mon|ma|mes|notre|nos) (?:fils|fille|filles|enfant|enfants|garçon|garçons|petite?|petits|gamine?|gosse|aînée?|cadette?|jumeaux|jumelles)'),
  cue('Relative', 1, 'compte parent|espace parent|mon mari|ma femme|mon conjoint|ma conjointe'),

  cue('Student', 3, `${SELF}(?:élève|écolier|écolière|collégien|collégienne|lycéen|lycéenne)`),
  cue('Student', 3, "je suis en (?:cp|ce1|ce2|cm1|cm2|6e|6ème|sixième|5e|5ème|cinquième|4e|4ème|3e|3ème|seconde|première|terminale)|j'ai (?:[6-9]|1[0-6]) ans"),
  cue('Student', 2, '(?:ma|mon) (?:maîtresse|maitresse|maître|maitre|prof|professeure?|institutrice|instituteur)(?! de mon)'),
  cue('Student', 1, 'mes devoirs|mes parents|ma mère|mon père|mes copains|mes copines'),

  cue('Personnel', 3, `${SELF}(?:directeur|directrice|erun|aesh|avs|atsem|cpe|secrétaire|principale?|proviseure?|adjointe?|inspecteur|inspectrice|ien|conseillère?|conseiller pédagogique|documentaliste|référente? numérique|administrateur|administratrice|admin|gestionnaire|agent)`),
  cue('Personnel', 2, "directeur d'école|directrice d'école|(?:ma|mon|notre) (?:circonscription|direction)|chargée? de direction|décharge de direction|mes écoles"),

  cue('Teacher', 3, `${SELF}(?:enseignante?|professeure?|prof|maîtresse|maitresse|instit|institutrice|instituteur|pe|professeure? des écoles|remplaçante?|stagiaire|titulaire|brigade)`),
  cue('Teacher', 2, '(?:ma|mes|notre) (?:classe|classes)|mes élèves|mes cm[12]|mes ce[12]|mes cp|nos élèves|mes collègues'),
];

export function detectProfile(normalizedText: string): Profile | null {
  const scores = new Map<Profile, number>();
  for (const { profile, weight, pattern } of CUES) {
    if (pattern.test(normalizedText)) scores.set(profile, Math.max(scores.get(profile) ?? 0, weight));
  }
  let best: Profile | null = null;
  let bestScore = 0;
  for (const [profile, score] of scores) {
    // Earlier cues win ties: a host family or a parent also talks about "the child".
    if (score > bestScore) {
      best = profile;
      bestScore = score;
    }
  }
  return best;
}
