/** The static guide site (output/site/): Markdown pages, one page per conformance resource and example, downloads. */
import fs from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import type { PackageManifest, Resource } from '../package.ts';
import { isExample } from '../package.ts';
import { CSS, esc, ICON, page, table, type Layout, type MenuItem } from './html.ts';
import {
  codeSystemBody, conceptMapBody, exampleBody, jsonName, Links, namingSystemBody, pageName, type R,
  searchParameterBody, stripPrivate, structureDefinitionBody, valueSetBody,
} from './resources.ts';

export interface SiteInput { igDir: string; outDir: string; resources: Resource[]; manifest: PackageManifest; tgz: string }

const LANGS: Record<string, string> = { en: 'en', gn: 'gn' };

/** Menu entries from SUSHI's generated menu.xml (from sushi-config.yaml `menu`), or input/includes/menu.xml if the author wrote one. */
function readMenu(igDir: string): MenuItem[] {
  for (const f of ['input/includes/menu.xml', 'fsh-generated/includes/menu.xml']) {
    const p = path.join(igDir, f);
    if (!fs.existsSync(p)) continue;
    const items = [...fs.readFileSync(p, 'utf8').matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ href: m[1], title: m[2].trim() }));
    if (items.length) return items;
  }
  return [{ href: 'index.html', title: 'Inicio' }];
}

function card(r: R): string {
  return `<div class="card"><h3><a href="${esc(pageName(r))}">${esc(r.title ?? r.name ?? r.id)}</a></h3><div class="muted"><code>${esc(r.id)}</code></div><p>${esc(String(r.description ?? '').split('\n')[0].slice(0, 220))}</p></div>`;
}

/** Returns the number of HTML pages written. */
export async function buildSite(input: SiteInput): Promise<number> {
  const out = input.outDir;
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const resources = input.resources as R[];
  const ig = resources.find((r) => r.resourceType === 'ImplementationGuide') ?? {};
  const layout: Layout = { siteTitle: input.manifest.title, version: `${input.manifest.name}#${input.manifest.version}`, menu: readMenu(input.igDir) };
  const links = new Links(resources);
  let pages = 0;
  const write = (name: string, title: string, body: string, lang = 'es'): void => {
    fs.writeFileSync(path.join(out, name), page(layout, title, body, lang));
    pages++;
  };
  fs.writeFileSync(path.join(out, 'style.css'), CSS);
  fs.writeFileSync(path.join(out, 'icon.svg'), ICON);
  fs.copyFileSync(input.tgz, path.join(out, 'package.tgz'));

  // Descriptions of examples come from the ImplementationGuide resource (SUSHI copies Title/Description there).
  const igEntries = new Map<string, R>(((ig.definition?.resource ?? []) as R[]).map((e) => [e.reference?.reference, e]));
  const examples = resources.filter((r) => isExample(r as Resource) && r.resourceType !== 'ImplementationGuide')
    .map((r): R => ({ ...r, __title: igEntries.get(`${r.resourceType}/${r.id}`)?.name, __description: igEntries.get(`${r.resourceType}/${r.id}`)?.description }));
  const of = (type: string): R[] => resources.filter((r) => r.resourceType === type).sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const sds = of('StructureDefinition');
  const profiles = sds.filter((s) => s.type !== 'Extension');
  const extensions = sds.filter((s) => s.type === 'Extension');
  const codeSystems = of('CodeSystem');
  const csByUrl = new Map(codeSystems.map((c) => [c.url as string, c]));

  // Narrative pages (input/pagecontent/*.md); titles from sushi-config `pages`, else the first heading.
  const pageTitles = new Map<string, string>(((ig.definition?.page?.page ?? []) as R[]).map((p) => [p.nameUrl, p.title]));
  const contentDir = path.join(input.igDir, 'input', 'pagecontent');
  for (const f of fs.existsSync(contentDir) ? fs.readdirSync(contentDir).sort() : []) {
    if (!f.endsWith('.md')) continue;
    const name = f.replace(/\.md$/, '.html');
    const md = fs.readFileSync(path.join(contentDir, f), 'utf8');
    const heading = /^#\s+(.+)$/m.exec(md)?.[1];
    const lang = LANGS[/-(en|gn)\.md$/.exec(f)?.[1] ?? ''] ?? 'es';
    // Markdown tables scroll sideways on phones like the generated ones.
    const body = (await marked.parse(heading ? md.replace(/^#\s+.+$/m, '') : md)).replace(/<table>/g, '<div class="tbl"><table>').replace(/<\/table>/g, '</table></div>');
    write(name, pageTitles.get(name) ?? heading ?? name, body, lang);
  }

  // Every resource as JSON, and a page for each.
  for (const r of resources) fs.writeFileSync(path.join(out, jsonName(r)), JSON.stringify(stripPrivate(r), null, 2) + '\n');
  for (const sd of sds) write(pageName(sd), sd.title ?? sd.name, structureDefinitionBody(sd, links, examples));
  for (const cs of codeSystems) write(pageName(cs), cs.title ?? cs.name, codeSystemBody(cs, links));
  for (const vs of of('ValueSet')) write(pageName(vs), vs.title ?? vs.name, valueSetBody(vs, links, csByUrl));
  for (const cm of of('ConceptMap')) write(pageName(cm), cm.title ?? cm.name, conceptMapBody(cm, links));
  for (const ns of of('NamingSystem')) write(pageName(ns), ns.name, namingSystemBody(ns));
  for (const sp of of('SearchParameter')) write(pageName(sp), sp.name, searchParameterBody(sp));
  for (const ex of examples) write(pageName(ex), ex.__title ?? `${ex.resourceType}/${ex.id}`, exampleBody(ex, links));
  // Operations and measures: their definition as it is (description, parameters or populations in the JSON).
  for (const r of [...of('OperationDefinition'), ...of('Measure')]) write(pageName(r), r.title ?? r.name ?? `${r.resourceType}/${r.id}`, exampleBody(r, links));

  // Index pages.
  write('profiles.html', 'Perfiles y extensiones', `<h2>Perfiles</h2><div class="cards">${profiles.map(card).join('')}</div>
<h2>Extensiones</h2><div class="cards">${extensions.map(card).join('')}</div>
<h2>Parámetros de búsqueda</h2>${table(['Código', 'Recursos', 'Descripción'], of('SearchParameter').map((s) => [`<a href="${esc(pageName(s))}"><code>${esc(s.code)}</code></a>`, esc((s.base ?? []).join(', ')), esc(s.description ?? '')]))}
<h2>Operaciones</h2>${table(['Operación', 'Recurso', 'Descripción'], of('OperationDefinition').map((o) => [`<a href="${esc(pageName(o))}"><code>$${esc(o.code)}</code></a>`, esc((o.resource ?? []).join(', ')), esc(String(o.description ?? '').split('\n')[0].slice(0, 200))]))}
<h2>Medidas (Measure)</h2>${table(['Medida', 'URL canónica', 'Descripción'], of('Measure').map((m) => [`<a href="${esc(pageName(m))}">${esc(m.title ?? m.id)}</a>`, `<code>${esc(m.url ?? '')}</code>`, esc(String(m.description ?? '').slice(0, 200))]))}`);
  const list = (rs: R[]): string => table(['Nombre', 'URL canónica', 'Descripción'], rs.map((r) => [`<a href="${esc(pageName(r))}">${esc(r.title ?? r.name ?? r.id)}</a>`, `<code>${esc(r.url ?? '')}</code>`, esc(String(r.description ?? '').split('\n')[0].slice(0, 200))]));
  write('terminology.html', 'Terminología', `<p>Sistemas de códigos con designaciones en castellano, guaraní e inglés, conjuntos de valores, mapas de conceptos y sistemas de identificadores.</p>
<h2>Sistemas de identificadores (NamingSystem)</h2>${table(['Nombre', 'Identifier.system', 'Descripción'], of('NamingSystem').map((n) => [`<a href="${esc(pageName(n))}">${esc(n.name)}</a>`, ((n.uniqueId ?? []) as R[]).map((u) => `<code>${esc(u.type === 'oid' ? `urn:oid:${u.value}` : u.value)}</code>`).join('<br>'), esc(String(n.description ?? '').slice(0, 200))]))}
<h2>CodeSystems</h2>${list(codeSystems)}
<h2>ValueSets</h2>${list(of('ValueSet'))}
<h2>ConceptMaps</h2>${list(of('ConceptMap'))}`);
  write('examples.html', 'Ejemplos', `<p>Ejemplos válidos de cada perfil (instancias FSH de <code>implementation-guide/input/fsh/examples</code>). Los casos inválidos usados en las pruebas están en <code>test/fixtures/profiles</code> del repositorio.</p>
${table(['Ejemplo', 'Recurso', 'Perfil'], examples.map((x) => [`<a href="${esc(pageName(x))}">${esc(x.__title ?? x.id)}</a>`, `${esc(x.resourceType)}/${esc(x.id)}`, ((x.meta?.profile ?? []) as string[]).map((p) => links.ref(p)).join(', ')]))}`);
  write('downloads.html', 'Descargas', `<p>El paquete FHIR NPM de la guía (para SUSHI, el validador de HL7, HAPI o Firely): <a href="package.tgz"><strong>package.tgz</strong></a> (<code>${esc(input.manifest.name)}#${esc(input.manifest.version)}</code>, FHIR ${esc(input.manifest.fhirVersions.join(', '))}).</p>
<p>Dependencias: ${Object.entries(input.manifest.dependencies).map(([k, v]) => `<code>${esc(k)}#${esc(v)}</code>`).join(', ')}.</p>
<p>Para usarlo con SUSHI, declare la dependencia en <code>sushi-config.yaml</code> y copie el paquete en la caché FHIR local:</p>
<pre><code>mkdir -p ~/.fhir/packages/${esc(input.manifest.name)}#${esc(input.manifest.version)}
tar xzf package.tgz -C ~/.fhir/packages/${esc(input.manifest.name)}#${esc(input.manifest.version)}</code></pre>
<h2>Recursos individuales (JSON)</h2>${table(['Recurso', 'Archivo'], resources.map((r) => [`${esc(r.resourceType)}/${esc(r.id)}`, `<a href="${esc(jsonName(r))}">${esc(jsonName(r))}</a>`]))}`);
  return pages;
}
