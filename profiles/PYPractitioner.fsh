Profile: PYPractitioner
Parent: Practitioner
Id: py-practitioner
Title: "Profesional de salud (Paraguay)"
Description: "Profesional de la salud con registro profesional del MSPBS; la cédula es opcional. Las calificaciones se codifican con py-profesion-salud."
* insert MetadatosPY
* identifier 1..*
* insert IdentificadorPorSistema
* identifier contains registroProfesional 1..1 and cedula 0..1
* insert SliceIdentificador(registroProfesional, https://fhir.mspbs.gov.py/sid/registro-profesional, MD)
* identifier[registroProfesional] ^short = "Registro profesional (MSPBS)"
* identifier[registroProfesional] obeys py-reg-1
* insert SliceIdentificador(cedula, https://fhir.mspbs.gov.py/sid/cedula-identidad, NI)
* identifier[cedula] obeys py-ci-1
* name 1..*
* name.family 1..1
* qualification 1..*
* qualification.code from PYProfesionSaludVS (extensible)
* qualification.issuer ^short = "Institución que otorgó el título o el registro"
* communication from PYIdiomaVS (extensible)

Invariant: py-reg-1
Description: "El registro profesional es alfanumérico (letras, dígitos y guiones), de 1 a 15 caracteres."
Expression: "value.exists() implies value.matches('^[A-Za-z0-9-]{1,15}$')"
Severity: #error

Profile: PYTraditionalHealer
Parent: Practitioner
Id: py-traditional-healer
Title: "Agente de medicina tradicional (Paraguay)"
Description: """Agente de medicina tradicional o indígena (médico tradicional, partera, yuyero, huesero …), reconocido por su comunidad o por la DINASAPI (Ley 5469/2015). El registro es voluntario; el flag de conocimiento protegido pide no publicar ni compartir sus saberes fuera de la comunidad: el agente que lo marca lleva la etiqueta de seguridad `conocimiento-protegido` (sistema `https://fhir.mspbs.gov.py/CodeSystem/py-security-label`) en `meta.security`, que el servidor exige (422) y que lo oculta a quien no tiene el permiso `hms/label.conocimiento-protegido`."""
* insert MetadatosPY
* extension contains PYMedicinaTradicional named medicinaTradicional 1..1 and PYPuebloIndigena named puebloIndigena 0..1 and PYComunidadIndigena named comunidadIndigena 0..1
* insert IdentificadorPorSistema
* identifier contains agenteTradicional 0..1 and cedula 0..1
* insert SliceIdentificador(agenteTradicional, https://fhir.mspbs.gov.py/sid/agente-tradicional, RI)
* insert SliceIdentificador(cedula, https://fhir.mspbs.gov.py/sid/cedula-identidad, NI)
* identifier[cedula] obeys py-ci-1
* name 1..*
* communication from PYIdiomaVS (extensible)

Instance: py-especialidad-tradicional
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda por especialidad de medicina tradicional"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-especialidad-tradicional"
* name = "especialidad-tradicional"
* status = #draft
* description = "Agentes de medicina tradicional por especialidad (py-especialidad-medicina-tradicional), p. ej. Practitioner?especialidad-tradicional=partera-tradicional"
* code = #especialidad-tradicional
* base[0] = #Practitioner
* type = #token
* expression = "Practitioner.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-medicina-tradicional').extension.where(url = 'especialidad').value"
* xpathUsage = #normal

Instance: py-pueblo-indigena
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda por pueblo indígena"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-pueblo-indigena"
* name = "pueblo-indigena"
* status = #draft
* description = "Pacientes y agentes por pueblo indígena (extensión py-pueblo-indigena)"
* code = #pueblo-indigena
* base[0] = #Patient
* base[1] = #Practitioner
* type = #token
* expression = "Patient.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-pueblo-indigena').value | Practitioner.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-pueblo-indigena').value"
* xpathUsage = #normal

Instance: py-idioma-agente
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda de profesionales y agentes por idioma"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-idioma-agente"
* name = "idioma"
* status = #draft
* description = "Profesionales y agentes de medicina tradicional por idioma en que atienden: Practitioner.communication y el idioma de py-medicina-tradicional (códigos BCP 47: es, gn, …), p. ej. Practitioner?idioma=gn"
* code = #idioma
* base[0] = #Practitioner
* type = #token
* expression = "Practitioner.communication | Practitioner.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-medicina-tradicional').extension.where(url = 'idioma').value"
* xpathUsage = #normal

Instance: py-comunidad-atendida
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda de agentes de medicina tradicional por comunidad que atienden"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-comunidad-atendida"
* name = "comunidad-atendida"
* status = #draft
* description = "Agentes de medicina tradicional por comunidad que atienden (py-medicina-tradicional, comunidad), p. ej. Practitioner?comunidad-atendida=Puerto%20Casado"
* code = #comunidad-atendida
* base[0] = #Practitioner
* type = #string
* expression = "Practitioner.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-medicina-tradicional').extension.where(url = 'comunidad').value"
* xpathUsage = #normal
