// Designations: every concept carries es (the display), gn and en. Guaraní terms written by the authors and not
// yet checked by a speaker carry the extension py-revision-pendiente = true (see the page "Guía para autores").
RuleSet: Designaciones(code, es, gn, en)
* #{code} ^designation[0].language = #es
* #{code} ^designation[0].value = "{es}"
* #{code} ^designation[1].language = #gn
* #{code} ^designation[1].value = "{gn}"
* #{code} ^designation[1].extension[0].url = "https://fhir.mspbs.gov.py/StructureDefinition/py-revision-pendiente"
* #{code} ^designation[1].extension[0].valueBoolean = true
* #{code} ^designation[2].language = #en
* #{code} ^designation[2].value = "{en}"

// es and en only (no Guaraní term proposed yet).
RuleSet: DesignacionesEsEn(code, es, en)
* #{code} ^designation[0].language = #es
* #{code} ^designation[0].value = "{es}"
* #{code} ^designation[1].language = #en
* #{code} ^designation[1].value = "{en}"

RuleSet: MetadatosPY
* ^status = #draft
* ^experimental = false
* ^publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* ^jurisdiction = urn:iso:std:iso:3166#PY "Paraguay"
* ^language = #es

RuleSet: CodeSystemPY
* insert MetadatosPY
* ^caseSensitive = true
* ^content = #complete

Extension: PYRevisionPendiente
Id: py-revision-pendiente
Title: "Revisión pendiente (designación)"
Description: "Marca una designación (p. ej. un término en guaraní) escrita por los autores de la guía y todavía no revisada por un hablante o una fuente oficial (Academia de la Lengua Guaraní, DINASAPI)."
Context: CodeSystem.concept.designation, ValueSet.compose.include.concept.designation
* insert MetadatosPY
* value[x] only boolean
