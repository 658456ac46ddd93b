import { Priority, Profile } from '../tickets/ticket.entity';
import { Role, SchoolLevel } from '../directory/directory.entities';

/**
 * A small, fictional académie loaded into an empty embedded database so a
 * newcomer sees a living system at once. Ids are stable so docs and curl
 * examples can name them.
 */
export const DEMO_ACADEMY = { id: '0c3d7b1e-0000-4000-8000-000000000001', code: 'DEMO', name: 'Académie de Démonstration' };

export const DEMO_CIRCONSCRIPTIONS = [
  { id: '0c3d7b1e-0000-4000-8000-000000000101', code: 'VAL-FLEURI', name: 'Circonscription de Val-Fleuri', slackChannelId: 'C0DEMOVALF', discordChannelId: '100000000000000101' },
  { id: '0c3d7b1e-0000-4000-8000-000000000102', code: 'DEUX-RIVES', name: 'Circonscription des Deux-Rives', slackChannelId: 'C0DEMODRIV', discordChannelId: '100000000000000102' },
];

export const DEMO_SCHOOLS: { id: string; circonscription: string; structureId: string; uai: string; name: string; level: SchoolLevel; city: string }[] = [
  { id: '0c3d7b1e-0000-4000-8000-000000000201', circonscription: 'VAL-FLEURI', structureId: 'struct-jean-moulin', uai: '0999001A', name: 'École élémentaire Jean-Moulin', level: 'primary', city: 'Val-Fleuri' },
  { id: '0c3d7b1e-0000-4000-8000-000000000202', circonscription: 'VAL-FLEURI', structureId: 'struct-les-tilleuls', uai: '0999002B', name: 'École maternelle Les Tilleuls', level: 'primary', city: 'Val-Fleuri' },
  { id: '0c3d7b1e-0000-4000-8000-000000000203', circonscription: 'DEUX-RIVES', structureId: 'struct-simone-veil', uai: '0999003C', name: 'Collège Simone-Veil', level: 'secondary', city: 'Deux-Rives' },
];

export interface DemoPerson {
  entUserId: string;
  login: string;
  displayName: string;
  profile: Profile;
  roles: { role: Role; school?: string; circonscription?: string; academy?: boolean }[];
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { entUserId: 'demo-director-jm', login: 'claire.dubois', displayName: 'Claire Dubois', profile: 'Personnel', roles: [{ role: 'director', school: 'struct-jean-moulin' }, { role: 'school_admin', school: 'struct-jean-moulin' }] },
  { entUserId: 'demo-admin-tilleuls', login: 'marc.petit', displayName: 'Marc Petit', profile: 'Teacher', roles: [{ role: 'school_admin', school: 'struct-les-tilleuls' }] },
  { entUserId: 'demo-admin-veil', login: 'nadia.haddad', displayName: 'Nadia Haddad', profile: 'Personnel', roles: [{ role: 'school_admin', school: 'struct-simone-veil' }] },
  { entUserId: 'demo-teacher-jm', login: 'julien.moreau', displayName: 'Julien Moreau', profile: 'Teacher', roles: [] },
  { entUserId: 'demo-parent-jm', login: 'sophie.lambert', displayName: 'Sophie Lambert', profile: 'Relative', roles: [] },
  { entUserId: 'demo-pupil-jm', login: 'lea.lambert', displayName: 'Léa Lambert', profile: 'Student', roles: [] },
  { entUserId: 'demo-guest-jm', login: 'famille.accueil', displayName: 'Famille Garnier (accueil)', profile: 'Guest', roles: [] },
  { entUserId: 'demo-erun-valfleuri', login: 'camille.martin', displayName: 'Camille Martin', profile: 'Personnel', roles: [{ role: 'erun', circonscription: 'VAL-FLEURI' }] },
  { entUserId: 'demo-erun-deuxrives', login: 'karim.benali', displayName: 'Karim Benali', profile: 'Personnel', roles: [{ role: 'erun', circonscription: 'DEUX-RIVES' }] },
  { entUserId: 'demo-ssu-agent', login: 'agent.ssu', displayName: 'Assistance académique (SSU)', profile: 'Personnel', roles: [{ role: 'academic_support', academy: true }] },
  { entUserId: 'demo-editor-support', login: 'support.editeur', displayName: "Support de l'éditeur ENT", profile: 'Personnel', roles: [{ role: 'editor_support' }] },
];

export const DEMO_TICKETS: { requester: string; school: string; subject: string; description: string; priority: Priority }[] = [
  { requester: 'demo-parent-jm', school: 'struct-jean-moulin', subject: 'Je ne peux pas me connecter', description: "Bonjour, depuis la rentrée je n'arrive plus à me connecter à l'ENT avec ÉduConnect pour voir le cahier de liaison de ma fille.", priority: 'mineur' },
  { requester: 'demo-pupil-jm', school: 'struct-jean-moulin', subject: 'mot de passe oublié', description: "j'ai oublié mon mot de passe et je peux plus aller sur l'ENT", priority: 'mineur' },
  { requester: 'demo-teacher-jm', school: 'struct-jean-moulin', subject: 'Classe de CP absente', description: "Ma classe de CP n'apparaît pas dans l'ENT, je ne peux pas y être rattaché.", priority: 'majeur' },
  { requester: 'demo-guest-jm', school: 'struct-jean-moulin', subject: 'Accès famille d’accueil', description: "Nous accueillons un élève et n'avons pas reçu d'identifiants pour l'ENT.", priority: 'mineur' },
  { requester: 'demo-admin-veil', school: 'struct-simone-veil', subject: 'Enseignants sans classes', description: 'Plusieurs enseignants du collège apparaissent sans classe ni service dans la console.', priority: 'majeur' },
];
