/** Pages for the conformance resources and examples of the guide. */
import { esc, indent, table } from './html.ts';

export type R = Record<string, any>;

/** Canonical URL → page of this site, for every resource of the guide. */
export class Links {
  private readonly byUrl = new Map<string, string>();
  constructor(resources: R[]) {
    for (const r of resources) if (typeof r.url === 'string') this.byUrl.set(r.url, pageName(r));
  }
  page(url: string | undefined): string | undefined {
    return url ? this.byUrl.get(url.split('|')[0]) : undefined;
  }
  /** A link to the page when the canonical is local, else the canonical as text. */
  ref(url: string | undefined, label?: string): string {
    if (!url) return '';
    const p = this.page(url);
    const text = esc(label ?? url.split('/').pop());
    return p ? `<a href="${esc(p)}">${text}</a>` : `<span title="${esc(url)}">${text}</span>`;
  }
}

export function pageName(r: R): string {
  return `${r.resourceType}-${r.id}.html`;
}

export function jsonName(r: R): string {
  return `${r.resourceType}-${r.id}.json`;
}

function typeCell(el: R, links: Links): string {
  return (el.type ?? []).map((t: R) => {
    const profiles = [...(t.profile ?? []), ...(t.targetProfile ?? [])];
    const inner = profiles.length ? `(${profiles.map((p: string) => links.ref(p)).join(' | ')})` : '';
    return `${esc(t.code)}${inner}`;
  }).join(', ');
}

function fixedValue(el: R): string {
  for (const k of Object.keys(el)) {
    if (/^(fixed|pattern)/.test(k)) return `<code>${esc(k)}: ${esc(JSON.stringify(el[k]))}</code>`;
  }
  return '';
}

export function elementTable(elements: R[], links: Links, snapshotById: Map<string, R>): string {
  const rows = elements.map((el) => {
    const snap = snapshotById.get(el.id) ?? el;
    const min = el.min ?? snap.min;
    const max = el.max ?? snap.max;
    const binding = el.binding;
    const b = binding ? `<span class="tag${binding.strength === 'required' ? ' req' : ''}">${esc(binding.strength)}</span>${links.ref(binding.valueSet)}` : '';
    const constraints = (el.constraint ?? []).map((c: R) => `<span class="tag" title="${esc(c.human)} — ${esc(c.expression)}">${esc(c.key)}</span>`).join(' ');
    const depth = (el.id.match(/\./g) ?? []).length;
    const name = el.id.split('.').slice(-1)[0];
    const slicing = el.slicing ? `<br><span class="muted">slicing: ${esc((el.slicing.discriminator ?? []).map((d: R) => `${d.type}:${d.path}`).join(', '))} (${esc(el.slicing.rules)})</span>` : '';
    return [
      `<span class="${indent(depth)}" title="${esc(el.id)}">${esc(name)}</span>${slicing}`,
      min !== undefined || max !== undefined ? `${esc(min ?? '')}..${esc(max ?? '')}` : '',
      typeCell(el.type ? el : snap, links),
      b,
      constraints,
      `${esc(el.short ?? '')} ${fixedValue(el)}`,
    ];
  });
  return table(['Elemento', 'Card.', 'Tipos', 'Binding', 'Restricciones', 'Descripción'], rows);
}

export function structureDefinitionBody(sd: R, links: Links, examples: R[]): string {
  const snapshot: R[] = sd.snapshot?.element ?? [];
  const byId = new Map(snapshot.map((e) => [e.id as string, e]));
  const constraints = snapshot.flatMap((e) => (e.constraint ?? []).filter((c: R) => c.source === undefined || String(c.source).startsWith('https://fhir.mspbs.gov.py'))
    .map((c: R) => [esc(c.key), esc(e.id), esc(c.severity), esc(c.human), `<code>${esc(c.expression)}</code>`]));
  const kind = sd.type === 'Extension' ? 'Extensión' : 'Perfil';
  const context = (sd.context ?? []).map((c: R) => esc(c.expression)).join(', ');
  const uses = examples.filter((x) => (x.meta?.profile ?? []).includes(sd.url));
  return `<p>${esc(sd.description ?? '')}</p>
${table(['Propiedad', 'Valor'], [
    ['Tipo', `${kind} de <code>${esc(sd.type)}</code>${context ? ` — contexto: ${context}` : ''}`],
    ['URL canónica', `<code>${esc(sd.url)}</code>`],
    ['Basado en', links.ref(sd.baseDefinition)],
    ['Estado', esc(sd.status)],
    ['JSON', `<a href="${esc(jsonName(sd))}">${esc(jsonName(sd))}</a>`],
  ])}
<h2>Diferencial</h2>
<p class="muted">Lo que este ${kind.toLowerCase()} cambia respecto de su base.</p>
${elementTable(sd.differential?.element ?? [], links, byId)}
<h2>Restricciones (invariantes) propias</h2>
${table(['Clave', 'Elemento', 'Severidad', 'Descripción', 'Expresión FHIRPath'], constraints)}
<h2>Snapshot</h2>
<p class="muted">Todos los elementos, con lo heredado de la base.</p>
${elementTable(snapshot, links, byId)}
<h2>Ejemplos</h2>
${uses.length ? `<ul>${uses.map((x) => `<li><a href="${esc(pageName(x))}">${esc(x.resourceType)}/${esc(x.id)}</a></li>`).join('')}</ul>` : '<p class="empty">—</p>'}`;
}

const REVIEW_URL = 'https://fhir.mspbs.gov.py/StructureDefinition/py-revision-pendiente';

function designation(c: R, lang: string): string {
  const d = (c.designation ?? []).find((x: R) => x.language === lang);
  if (!d) return '';
  const review = (d.extension ?? []).some((e: R) => e.url === REVIEW_URL && e.valueBoolean === true);
  return `${esc(d.value)}${review ? ' <span class="tag review" title="Término pendiente de revisión por un hablante">revisar</span>' : ''}`;
}

function flatten(concepts: R[] = [], depth = 0): [R, number][] {
  return concepts.flatMap((c) => [[c, depth] as [R, number], ...flatten(c.concept, depth + 1)]);
}

export function codeSystemBody(cs: R, links: Links): string {
  const props: R[] = cs.property ?? [];
  const rows = flatten(cs.concept).map(([c, depth]) => [
    `<code class="${indent(depth)}">${esc(c.code)}</code>`,
    esc(c.display),
    designation(c, 'es'), designation(c, 'gn'), designation(c, 'en'),
    ...props.map((p) => esc((c.property ?? []).filter((x: R) => x.code === p.code).map((x: R) => x.valueCode ?? x.valueString ?? x.valueInteger ?? x.valueBoolean ?? x.valueCoding?.code).join(', '))),
  ]);
  return `<p>${esc(cs.description ?? '')}</p>
${table(['Propiedad', 'Valor'], [
    ['URL canónica', `<code>${esc(cs.url)}</code>`], ['Estado', esc(cs.status)], ['Contenido', esc(cs.content)],
    ['Conceptos', String(flatten(cs.concept).length)], ['JSON', `<a href="${esc(jsonName(cs))}">${esc(jsonName(cs))}</a>`],
  ])}
${props.length ? `<h2>Propiedades</h2>${table(['Código', 'Tipo', 'Descripción'], props.map((p) => [esc(p.code), esc(p.type), esc(p.description ?? '')]))}` : ''}
<h2>Conceptos</h2>
<p class="muted">Designaciones en castellano (es), guaraní (gn) e inglés (en). <span class="tag review">revisar</span> marca los términos en guaraní pendientes de revisión por un hablante (extensión py-revision-pendiente).</p>
${table(['Código', 'Display', 'es', 'gn', 'en', ...props.map((p) => p.code as string)], rows)}`;
}

export function valueSetBody(vs: R, links: Links, codeSystems: Map<string, R>): string {
  const rows: string[][] = [];
  const expansion: string[][] = [];
  for (const [kind, list] of [['include', vs.compose?.include ?? []], ['exclude', vs.compose?.exclude ?? []]] as const) {
    for (const inc of list as R[]) {
      const what = inc.concept ? `${inc.concept.length} códigos enumerados` : inc.filter ? `filtro ${esc(JSON.stringify(inc.filter))}` : 'todo el sistema';
      rows.push([kind, links.ref(inc.system, inc.system), (inc.valueSet ?? []).map((v: string) => links.ref(v)).join(', '), what]);
      if (kind !== 'include') continue;
      const local = codeSystems.get(inc.system);
      const concepts: R[] = inc.concept ?? (!inc.filter && local ? flatten(local.concept).map(([c]) => c) : []);
      for (const c of concepts) {
        // Designations: the ValueSet's own, else the local CodeSystem's.
        const full = c.designation ? c : flatten(local?.concept).map(([x]) => x).find((x) => x.code === c.code) ?? c;
        expansion.push([`<code>${esc(c.code)}</code>`, esc(c.display ?? full.display ?? ''), designation(full, 'gn'), designation(full, 'en'), links.ref(inc.system, inc.system)]);
      }
    }
  }
  return `<p>${esc(vs.description ?? '')}</p>
${table(['Propiedad', 'Valor'], [['URL canónica', `<code>${esc(vs.url)}</code>`], ['Estado', esc(vs.status)], ['JSON', `<a href="${esc(jsonName(vs))}">${esc(jsonName(vs))}</a>`]])}
<h2>Definición (compose)</h2>
${table(['', 'Sistema', 'ValueSet', 'Contenido'], rows)}
<h2>Expansión</h2>
<p class="muted">Calculada al construir la guía a partir de los CodeSystems locales y de los códigos enumerados (${expansion.length} códigos).</p>
${table(['Código', 'Display (es)', 'gn', 'en', 'Sistema'], expansion)}`;
}

export function conceptMapBody(cm: R, links: Links): string {
  const rows: string[][] = [];
  for (const g of cm.group ?? []) {
    for (const e of g.element ?? []) {
      for (const t of e.target ?? [{}]) {
        rows.push([links.ref(g.source), `<code>${esc(e.code)}</code> ${esc(e.display ?? '')}`, esc(t.equivalence ?? ''), links.ref(g.target), t.code ? `<code>${esc(t.code)}</code> ${esc(t.display ?? '')}` : '—', esc(t.comment ?? '')]);
      }
    }
  }
  return `<p>${esc(cm.description ?? '')}</p>
${table(['Propiedad', 'Valor'], [['URL canónica', `<code>${esc(cm.url)}</code>`], ['Origen', links.ref(cm.sourceUri ?? cm.sourceCanonical)], ['Destino', links.ref(cm.targetUri ?? cm.targetCanonical)], ['JSON', `<a href="${esc(jsonName(cm))}">${esc(jsonName(cm))}</a>`]])}
<h2>Correspondencias</h2>
${table(['Sistema origen', 'Código origen', 'Equivalencia', 'Sistema destino', 'Código destino', 'Comentario'], rows)}`;
}

export function namingSystemBody(ns: R): string {
  return `<p>${esc(ns.description ?? '')}</p>
${table(['Propiedad', 'Valor'], [['Nombre', esc(ns.name)], ['Tipo', esc(ns.kind)], ['Responsable', esc(ns.responsible ?? '')], ['Estado', esc(ns.status)],
    ['Identifier.type', esc((ns.type?.coding ?? []).map((c: R) => `${c.system}#${c.code}`).join(', '))], ['JSON', `<a href="${esc(jsonName(ns))}">${esc(jsonName(ns))}</a>`]])}
<h2>Identificadores únicos</h2>
${table(['Tipo', 'Valor', 'Forma en Identifier.system', 'Preferido', 'Comentario'], (ns.uniqueId ?? []).map((u: R) => [
    esc(u.type), `<code>${esc(u.value)}</code>`, `<code>${esc(u.type === 'oid' ? `urn:oid:${u.value}` : u.value)}</code>`, u.preferred ? 'sí' : 'no', esc(u.comment ?? '')]))}`;
}

export function searchParameterBody(sp: R): string {
  return `<p>${esc(sp.description ?? '')}</p>
${table(['Propiedad', 'Valor'], [['Código', `<code>${esc(sp.code)}</code>`], ['Recursos', esc((sp.base ?? []).join(', '))], ['Tipo', esc(sp.type)],
    ['Expresión', `<code>${esc(sp.expression)}</code>`], ['URL canónica', `<code>${esc(sp.url)}</code>`], ['JSON', `<a href="${esc(jsonName(sp))}">${esc(jsonName(sp))}</a>`]])}`;
}

export function exampleBody(r: R, links: Links): string {
  const profiles = (r.meta?.profile ?? []).map((p: string) => links.ref(p)).join(', ');
  return `<p>${esc(r.__description ?? '')}</p>
${table(['Propiedad', 'Valor'], [['Recurso', `${esc(r.resourceType)}/${esc(r.id)}`], ['Perfil', profiles || '—'], ['JSON', `<a href="${esc(jsonName(r))}">${esc(jsonName(r))}</a>`]])}
<pre><code>${esc(JSON.stringify(stripPrivate(r), null, 2))}</code></pre>`;
}

export function stripPrivate(r: R): R {
  const { __description, __title, ...rest } = r;
  void __description; void __title;
  return rest;
}
