/**
 * Snapshot post-processing for @medplum/core. An extension slice typed by profile (how SUSHI and the IG Publisher write it)
 * has no children in the snapshot, so Medplum's slice matcher (fixed/pattern values only) never matches it. We unfold the
 * slice: the extension's own top-level snapshot elements (id, extension, url fixed to the canonical, value[x]) are copied
 * under the slice. An unfolded slice is a legal snapshot, and tools that derive from the package (SUSHI) still find value[x] there —
 * inserting only `.url` (research prototype) made SUSHI report "element does not exist" for `extension[x].valueCoding`.
 * See /work/shared/research/fsh-pipeline.md §4 ("enrich-snapshots").
 */
interface Element {
  id: string; path: string; sliceName?: string; min?: number; max?: string;
  type?: { code: string; profile?: string[] }[]; fixedUri?: string; [k: string]: unknown;
}
export interface StructureDefinitionLike { resourceType: string; url?: string; snapshot?: { element: Element[] } }

/** Finds an extension definition by canonical URL (the guide's own, or the core package's). */
export type ExtensionResolver = (url: string) => StructureDefinitionLike | undefined;

/** Returns how many extension slices were unfolded. */
export function enrichExtensionSlices(sd: StructureDefinitionLike, resolve: ExtensionResolver): number {
  const elements = sd.snapshot?.element;
  if (!elements) return 0;
  let unfolded = 0;
  for (let i = 0; i < elements.length; i++) {
    const el = elements[i];
    if (!el.sliceName || !/\.(modifierExtension|extension)$/.test(el.path)) continue;
    const profile = el.type?.[0]?.code === 'Extension' ? el.type[0].profile?.[0]?.split('|')[0] : undefined;
    if (!profile) continue;
    if (elements[i + 1]?.id.startsWith(`${el.id}.`)) continue; // already unfolded
    const ext = resolve(profile)?.snapshot?.element;
    // Only the direct children (id, extension, url, value[x]), without the sub-extension slices of a complex extension:
    // @medplum/core mistakes nested slices for slices of the outer element.
    const children: Element[] = (ext ?? []).filter((e) => /^Extension\.[^.:]+$/.test(e.id)).map((e) => {
      const copy = JSON.parse(JSON.stringify({ ...e, id: el.id + e.id.slice('Extension'.length), path: el.path + e.path.slice('Extension'.length) })) as Element;
      delete copy.slicing;
      return copy;
    });
    const url = children.find((c) => c.id === `${el.id}.url`);
    if (url) {
      url.fixedUri = profile;
    } else {
      // Unknown extension definition: at least fix the url so the slice can be matched.
      children.unshift({ id: `${el.id}.url`, path: `${el.path}.url`, min: 1, max: '1', base: { path: 'Extension.url', min: 1, max: '1' }, type: [{ code: 'uri' }], fixedUri: profile });
    }
    elements.splice(i + 1, 0, ...children);
    i += children.length;
    unfolded++;
  }
  return unfolded;
}
