import { TestApp } from '../support/test-app';

/** Demo people (src/demo/demo-data.ts) used as requesters and staff in tests. */
export const PEOPLE = {
  parent: { entUserId: 'demo-parent-jm', displayName: 'Sophie Lambert', profile: 'Relative' },
  pupil: { entUserId: 'demo-pupil-jm', displayName: 'Léa Lambert', profile: 'Student' },
  teacher: { entUserId: 'demo-teacher-jm', displayName: 'Julien Moreau', profile: 'Teacher' },
  directorJeanMoulin: { entUserId: 'demo-director-jm', displayName: 'Claire Dubois', profile: 'Personnel' },
  adminSimoneVeil: { entUserId: 'demo-admin-veil', displayName: 'Nadia Haddad', profile: 'Personnel' },
  erunValFleuri: { entUserId: 'demo-erun-valfleuri', displayName: 'Camille Martin', profile: 'Personnel' },
  erunDeuxRives: { entUserId: 'demo-erun-deuxrives', displayName: 'Karim Benali', profile: 'Personnel' },
  stranger: { entUserId: 'someone-else', displayName: 'Inconnu', profile: 'Relative' },
} as const;

export const JEAN_MOULIN = { structureId: 'struct-jean-moulin', uai: '0999001A' };
export const SIMONE_VEIL = { structureId: 'struct-simone-veil', uai: '0999003C' };

export function ticketBody(overrides: Record<string, unknown> = {}) {
  return {
    subject: 'Impossible de me connecter',
    description: "Je n'arrive plus à me connecter à l'ENT depuis lundi.",
    requester: PEOPLE.parent,
    school: { structureId: JEAN_MOULIN.structureId },
    ...overrides,
  };
}

/** Creates a ticket through the HTTP API, asking for the requester (an act_as key), and returns its reference. */
export async function createTicket(t: TestApp, auth: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const body = ticketBody(overrides);
  const res = await t.http.post('/api/v1/tickets').set('Authorization', auth).set('X-On-Behalf-Of', body.requester.entUserId).send(body);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.reference as string;
}
