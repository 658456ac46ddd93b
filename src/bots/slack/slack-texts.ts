import { Profile } from '../../directory/profiles';
import { Priority } from '../../routing/routing-rules';
import { TicketStatus } from '../../tickets/ticket-status';
import { FileRefusal, SLACK_FILE_MAX_BYTES } from './slack-files';

/** A no-break space: French typography puts one before « : ; ? ! » and inside « ». */
const NB = '\u00a0';

export const PROFILE_LABELS: Record<Profile, string> = {
  Teacher: 'enseignant',
  Personnel: 'personnel',
  Relative: 'parent',
  Student: 'élève',
  Guest: 'invité',
};

export const PRIORITY_LABELS: Record<Priority, string> = { mineur: 'mineure', majeur: 'majeure', bloquant: 'bloquante' };

export const STATUS_LABELS: Record<TicketStatus, string> = {
  new: 'nouveau',
  opened: 'en cours',
  waiting_for_user: 'en attente du demandeur',
  resolved: 'résolu',
  closed: 'fermé',
};

const PARIS_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });

/** « 3 décembre 2026 à 14:30 », Paris time. */
export function frenchDate(date: Date): string {
  return PARIS_TIME.format(date);
}

/** Every sentence the Slack app says, in French with its typography. */
export const SLACK_TEXTS = {
  field: (label: string) => `*${label}${NB}:*`,
  requester: 'Demandeur',
  school: 'École',
  intent: 'Intention',
  priority: 'Priorité',
  slaDue: 'Échéance',
  status: 'Statut',
  assignee: 'Pris en charge par',
  nobody: 'personne pour l’instant',
  unknownSchool: 'école inconnue',
  noDeadline: 'aucune',
  cardFallback: (reference: string, subject: string) => `Ticket ${reference}${NB}: ${subject}`,
  claim: 'Prendre en charge',
  reply: 'Répondre',
  escalate: 'Escalader',
  forward: 'Transmettre au support',
  resolve: 'Résoudre',
  reassign: 'Réassigner',
  reassignPlaceholder: 'Choisir une personne',
  notLinked: `Votre compte Slack n’est pas encore lié à votre compte ENT${NB}: tapez \`/assistance lier\` pour le lier, puis recommencez.`,
  forbidden: `Relais ne vous autorise pas à faire cela sur ce ticket.`,
  illegalTransition: `Ce ticket ne le permet pas dans son état actuel.`,
  escalationRefused: (why: string) => `L’escalade n’est pas possible${NB}: ${why}`,
  changed: `Le ticket a changé entre-temps${NB}: réessayez.`,
  notFound: `Ce ticket est introuvable, ou vous ne pouvez pas le voir.`,
  failed: `L’action n’a pas abouti${NB}; réessayez dans un instant.`,
  assigneeNotLinked: `Cette personne n’a pas lié son compte Slack à son compte ENT${NB}: le ticket ne peut pas lui être confié.`,
  replyTitle: 'Répondre',
  replyLabel: 'Votre réponse',
  replyInternal: 'Note interne (le demandeur ne la voit pas)',
  send: 'Envoyer',
  cancel: 'Annuler',
  escalateTitle: 'Escalader le ticket',
  forwardTitle: 'Transmettre au support',
  reasonLabel: 'Motif',
  reasonRequired: `Indiquez le motif${NB}: il accompagne le ticket.`,
  targetTier: 'Niveau visé',
  noTierAbove: `Il n’y a pas de niveau au-dessus${NB}: le ticket ne peut pas être escaladé.`,
  textRequired: `Écrivez votre réponse avant d’envoyer.`,
  internalNote: 'Note interne',
  slaReminder: (who: string, due: string) => `${who} ⏰ Échéance proche${NB}: ce ticket doit être traité avant le ${due}.`,
  slaBreached: (who: string, due: string) => `${who} 🚨 Échéance dépassée${NB}: ce ticket devait être traité avant le ${due}.`,
  escalatedTo: (tier: string) => `Ticket escaladé vers ${tier}.`,
  filesOnly: 'Fichier joint.',
  attachedFiles: (names: string[]) => `📎 ${names.length > 1 ? 'Fichiers joints' : 'Fichier joint'}${NB}: ${names.join(', ')}`,
  filesRefused: (refused: FileRefusal[]) =>
    `${refused.length > 1 ? 'Ces fichiers n’ont pas été joints' : 'Ce fichier n’a pas été joint'} au ticket${NB}: ${refused.map((r) => `«${NB}${r.name}${NB}» (${FILE_REFUSALS[r.why]})`).join(', ')}.`,
} as const;

const FILE_REFUSALS: Record<FileRefusal['why'], string> = {
  too_big: `plus de ${SLACK_FILE_MAX_BYTES / 1024 / 1024}${NB}Mo`,
  type: 'type de fichier non accepté',
  unreachable: 'Slack ne l’a pas transmis',
};

/** The `/assistance` command's own sentences. */
export const SLASH_TEXTS = {
  usage: `Utilisation${NB}: \`/assistance aide <question>\`, \`ticket <problème>\`, \`voir <référence>\`, \`file\`, \`lier\`, \`code <identifiant>\`, \`debloquer <identifiant>\`.`,
  askQuestion: `Posez votre question après \`aide\`, par exemple${NB}: \`/assistance aide j’ai oublié mon mot de passe\`.`,
  describeProblem: `Décrivez votre problème après \`ticket\`${NB}: un ticket sera créé.`,
  loginRequired: `Indiquez l’identifiant ENT du compte${NB}: par exemple \`/assistance code lea.lambert\`.`,
  confirm: 'Confirmer',
  myTickets: (n: number) => `Mes tickets (${n})`,
  unclaimed: (n: number) => `À prendre en charge (${n})`,
  due: (date: string) => `échéance le ${date}`,
} as const;
