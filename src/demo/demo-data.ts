import { join } from 'node:path';
import { Priority } from '../routing/routing-rules';

/** The demo académie's directory: the same format as any directory import. */
export const DEMO_DIRECTORY_FILE = join(__dirname, 'demo-directory.yaml');

/**
 * Demo requests, one or more per profile, so the demo shows each route of the
 * table: the knowledge base classifies them and routing places them.
 */
export const DEMO_TICKETS: { requester: string; school: string; subject: string; description: string; priority: Priority }[] = [
  { requester: 'demo-parent-jm', school: 'struct-jean-moulin', subject: 'Je ne peux pas me connecter', description: "Bonjour, depuis la rentrée je n'arrive plus à me connecter à l'ENT avec ÉduConnect pour voir le cahier de liaison de ma fille.", priority: 'mineur' },
  { requester: 'demo-parent-jm', school: 'struct-jean-moulin', subject: 'Enfant absent de mon compte', description: "Ma fille Léa n'apparaît pas dans mon espace parent de l'ENT, je ne vois que son frère.", priority: 'mineur' },
  { requester: 'demo-pupil-jm', school: 'struct-jean-moulin', subject: 'mot de passe oublié', description: "j'ai oublié mon mot de passe et je peux plus aller sur l'ENT", priority: 'mineur' },
  { requester: 'demo-teacher-jm', school: 'struct-jean-moulin', subject: 'Classe de CP absente', description: "Ma classe de CP n'apparaît pas dans l'ENT, je ne peux pas y être rattaché.", priority: 'majeur' },
  { requester: 'demo-teacher-jm', school: 'struct-jean-moulin', subject: 'Partager un dossier', description: "Comment partager un dossier de l'espace documentaire avec mes collègues de cycle ?", priority: 'mineur' },
  { requester: 'demo-guest-jm', school: 'struct-jean-moulin', subject: 'Accès famille d’accueil', description: "Nous accueillons un élève et n'avons pas reçu d'identifiants pour l'ENT.", priority: 'mineur' },
  { requester: 'demo-admin-veil', school: 'struct-simone-veil', subject: 'Enseignants sans classes', description: 'Plusieurs enseignants du collège apparaissent sans classe ni service dans la console.', priority: 'majeur' },
];
