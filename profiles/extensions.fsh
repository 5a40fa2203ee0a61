// Extensions of the guide. Rules (see "Guía para autores"): each extension is its own StructureDefinition; required
// bindings only on ValueSets that can be expanded offline (local CodeSystems or enumerated concepts).

Extension: PYDepartamento
Id: py-departamento
Title: "Departamento (DGEEC)"
Description: "Departamento del domicilio o del establecimiento, con el código DGEEC (py-departamento). Complementa Address.state (texto)."
Context: Address
* insert MetadatosPY
* value[x] 1..1
* value[x] only Coding
* valueCoding from PYDepartamentoVS (required)
* valueCoding.system 1..1
* valueCoding.code 1..1

Extension: PYDistrito
Id: py-distrito
Title: "Distrito (DGEEC)"
Description: "Distrito (municipio) del domicilio o del establecimiento, con el código DGEEC `DDNN` (py-distrito). Complementa Address.city (texto)."
Context: Address
* insert MetadatosPY
* value[x] 1..1
* value[x] only Coding
* valueCoding from PYDistritoVS (required)
* valueCoding.system 1..1
* valueCoding.code 1..1

Extension: PYPuebloIndigena
Id: py-pueblo-indigena
Title: "Pueblo indígena"
Description: "Pueblo indígena al que la persona declara pertenecer (códigos DGEEC, py-pueblo-indigena). Dato sensible: solo por autodeclaración."
Context: Patient, Practitioner
* insert MetadatosPY
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from PYPuebloIndigenaVS (required)

Extension: PYComunidadIndigena
Id: py-comunidad-indigena
Title: "Comunidad indígena"
Description: "Nombre de la comunidad indígena de la persona."
Context: Patient, Practitioner
* insert MetadatosPY
* value[x] 1..1
* value[x] only string

Extension: PYSubsector
Id: py-subsector
Title: "Subsector"
Description: "Subsector del Sistema Nacional de Salud al que pertenece la organización (py-subsector)."
Context: Organization
* insert MetadatosPY
* value[x] 1..1
* value[x] only Coding
* valueCoding from PYSubsectorVS (required)
* valueCoding.system 1..1
* valueCoding.code 1..1

Extension: PYTipoEstablecimiento
Id: py-tipo-establecimiento
Title: "Tipo de establecimiento"
Description: "Tipo de establecimiento de salud (py-tipo-establecimiento). Location.type puede llevar además el código HL7 v3 (ConceptMap py-tipo-establecimiento-v3)."
Context: Location, Organization
* insert MetadatosPY
* value[x] 1..1
* value[x] only Coding
* valueCoding from PYTipoEstablecimientoVS (required)
* valueCoding.system 1..1
* valueCoding.code 1..1

Extension: PYNivelAtencion
Id: py-nivel-atencion
Title: "Nivel de atención"
Description: "Nivel de atención (py-nivel-atencion)."
Context: Location, Organization, HealthcareService
* insert MetadatosPY
* value[x] 1..1
* value[x] only Coding
* valueCoding from PYNivelAtencionVS (required)
* valueCoding.system 1..1
* valueCoding.code 1..1

Extension: PYRegionSanitaria
Id: py-region-sanitaria
Title: "Región Sanitaria"
Description: "Región Sanitaria del MSPBS a la que pertenece el establecimiento (py-region-sanitaria)."
Context: Location, Organization
* insert MetadatosPY
* value[x] 1..1
* value[x] only Coding
* valueCoding from PYRegionSanitariaVS (required)
* valueCoding.system 1..1
* valueCoding.code 1..1

Extension: PYAccesibilidadEstacional
Id: py-accesibilidad-estacional
Title: "Accesibilidad estacional"
Description: "Cómo se llega al establecimiento y en qué meses queda aislado (lluvias, crecidas). Permite planificar visitas, derivaciones y entregas de insumos."
Context: Location
* insert MetadatosPY
* extension contains tipo 1..1 and mesInaccesible 0..12 and nota 0..1
* extension[tipo] ^short = "Tipo de accesibilidad"
* extension[tipo].value[x] 1..1
* extension[tipo].value[x] only Coding
* extension[tipo].valueCoding from PYAccesibilidadVS (required)
* extension[mesInaccesible] ^short = "Mes (1 = enero … 12 = diciembre) en que el establecimiento suele quedar inaccesible"
* extension[mesInaccesible].value[x] 1..1
* extension[mesInaccesible].value[x] only integer
* extension[mesInaccesible] obeys py-mes-1
* extension[nota] ^short = "Observaciones (vías alternativas, puerto, pista)"
* extension[nota].value[x] 1..1
* extension[nota].value[x] only string

Invariant: py-mes-1
Description: "El mes es un número de 1 a 12."
Expression: "value.empty() or (value >= 1 and value <= 12)"
Severity: #error

Extension: PYMedicinaTradicional
Id: py-medicina-tradicional
Title: "Agente de medicina tradicional"
Description: """Datos del agente de medicina tradicional (Ley 5469/2015): especialidad, comunidades que atiende, idiomas en que atiende, reconocimiento (por su comunidad o por la DINASAPI) y si sus conocimientos son protegidos (no deben publicarse ni compartirse fuera de la comunidad). El registro es voluntario."""
Context: Practitioner
* insert MetadatosPY
* extension contains especialidad 1..* and comunidad 1..* and idioma 0..* and reconocimiento 1..* and reconocidoPor 0..1 and fechaReconocimiento 0..1 and conocimientoProtegido 1..1
* extension[especialidad] ^short = "Especialidad (py-especialidad-medicina-tradicional)"
* extension[especialidad].value[x] 1..1
* extension[especialidad].value[x] only CodeableConcept
* extension[especialidad].valueCodeableConcept from PYEspecialidadMedicinaTradicionalVS (required)
* extension[comunidad] ^short = "Comunidad que atiende"
* extension[comunidad].value[x] 1..1
* extension[comunidad].value[x] only string
* extension[idioma] ^short = "Idioma en que atiende (BCP 47)"
* extension[idioma].value[x] 1..1
* extension[idioma].value[x] only code
* extension[idioma].valueCode from PYIdiomaVS (required)
* extension[reconocimiento] ^short = "Quién lo reconoce: comunidad o DINASAPI"
* extension[reconocimiento].value[x] 1..1
* extension[reconocimiento].value[x] only Coding
* extension[reconocimiento].valueCoding from PYTipoReconocimientoVS (required)
* extension[reconocidoPor] ^short = "Autoridad comunitaria u oficina que otorgó el reconocimiento"
* extension[reconocidoPor].value[x] 1..1
* extension[reconocidoPor].value[x] only string
* extension[fechaReconocimiento] ^short = "Fecha del reconocimiento"
* extension[fechaReconocimiento].value[x] 1..1
* extension[fechaReconocimiento].value[x] only date
* extension[conocimientoProtegido] ^short = "Conocimiento protegido: no publicar ni compartir fuera de la comunidad"
* extension[conocimientoProtegido].value[x] 1..1
* extension[conocimientoProtegido].value[x] only boolean
