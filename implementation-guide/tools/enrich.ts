/**
 * Snapshot post-processing for @medplum/core: an extension slice typed by profile (how SUSHI writes it) gets an explicit
 * `<slice>.url` child fixed to the extension's canonical, so Medplum's slice matcher (fixed/pattern only) can match it.
 * See /work/shared/research/fsh-pipeline.md §4 ("enrich-snapshots").
 */
interface Element {
  id: string; path: string; sliceName?: string; min?: number; max?: string;
  type?: { code: string; profile?: string[] }[]; fixedUri?: string; [k: string]: unknown;
}
export interface StructureDefinitionLike { resourceType: string; snapshot?: { element: Element[] } }

/** Returns how many `.url` elements were inserted. */
export function enrichExtensionSlices(sd: StructureDefinitionLike): number {
  const elements = sd.snapshot?.element;
  if (!elements) return 0;
  let added = 0;
  for (let i = 0; i < elements.length; i++) {
    const el = elements[i];
    if (!el.sliceName || !/\.(modifierExtension|extension)$/.test(el.path)) continue;
    const profile = el.type?.[0]?.code === 'Extension' ? el.type[0].profile?.[0] : undefined;
    if (!profile) continue;
    const urlId = `${el.id}.url`;
    if (elements.some((e) => e.id === urlId)) continue;
    elements.splice(i + 1, 0, {
      id: urlId, path: `${el.path}.url`, short: 'identifies the meaning of the extension',
      min: 1, max: '1', base: { path: 'Extension.url', min: 1, max: '1' }, type: [{ code: 'uri' }],
      fixedUri: profile.split('|')[0],
    });
    added++;
  }
  return added;
}
