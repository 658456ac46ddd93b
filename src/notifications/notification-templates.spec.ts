import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { typographyFaults } from '../common/french-typography';
import { loadRoutingRules } from '../routing/routing-rules';
import { TEMPLATES_DIR } from './notification-texts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

describe('French texts of notifications', () => {
  const templates = files(TEMPLATES_DIR).filter((f) => f.endsWith('.hbs'));

  it('has a template for each audience of the events people are told of', () => {
    expect(templates.map((f) => relative(TEMPLATES_DIR, f)).sort()).toEqual(
      expect.arrayContaining(['group/created.hbs', 'requester/created.hbs', 'requester/status_changed.hbs', 'academy/escalated.hbs', 'group/sla_breached.hbs']),
    );
  });

  it.each(templates.map((f) => [relative(TEMPLATES_DIR, f), f]))('%s keeps French typography', (_, file) => {
    expect(typographyFaults(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('keeps it in the tier labels and redirect texts of the routing rules too', () => {
    const texts = Object.values(loadRoutingRules().tiers).flatMap((t) => [t.label, t.redirect ?? '']);
    expect(texts.flatMap(typographyFaults)).toEqual([]);
  });

  it('is caught when broken', () => {
    expect(typographyFaults('Bonjour : voici « un code » ! Pourquoi ?')).toHaveLength(5);
    expect(typographyFaults('Rendez-vous à 10:00 sur https://ent.example.fr, {{#if (eq a "b")}}ok{{/if}}')).toEqual([]);
  });
});
