/** The modules in the navigation, in the order of a returnee's journey. `built` ones have pages. */
export const MODULES = [
  { slug: 'places', key: 'places', built: true, permission: 'places.read' },
  { slug: 'flows', key: 'flows', built: true, permission: 'flows.read' },
  { slug: 'mobility', key: 'mobility', built: true, permission: 'mobility.read' },
  { slug: 'people', key: 'people', built: true, permission: 'people.read' },
  { slug: 'dedup', key: 'dedup', built: true, permission: 'dedup.review' },
  { slug: 'linkage', key: 'linkage', built: true, permission: 'people.linkage' },
  { slug: 'assistance', key: 'assistance', built: false, permission: 'assistance.read' },
  { slug: 'pipeline', key: 'pipeline', built: false, permission: 'pipeline.read' },
  { slug: 'protection', key: 'protection', built: false, permission: 'cases.read' },
  { slug: 'feedback', key: 'feedback', built: false, permission: 'feedback.read' },
  { slug: 'coordination', key: 'coordination', built: false, permission: 'coordination.read' },
] as const;

export type ModuleSlug = (typeof MODULES)[number]['slug'];

export function findModule(slug: string) {
  return MODULES.find((m) => m.slug === slug);
}
