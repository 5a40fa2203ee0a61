Instance: medica-san-lorenzo
InstanceOf: PYPractitioner
Title: "Médica con registro profesional"
Description: "Médica del Hospital General de San Lorenzo."
Usage: #example
* identifier[registroProfesional].value = "12345"
* identifier[cedula].value = "3456789"
* name[0].family = "Villalba"
* name[0].given[0] = "Carmen"
* gender = #female
* qualification[0].code = PYProfesionSaludCS#medicina "Médico/a"
* qualification[0].issuer.display = "Universidad Nacional de Asunción"
* communication[0] = urn:ietf:bcp:47#es "Español"
* communication[1] = urn:ietf:bcp:47#gn "Guaraní"

Instance: enfermero-usf
InstanceOf: PYPractitioner
Title: "Enfermero de USF"
Description: "Licenciado en enfermería de una Unidad de Salud de la Familia de Itauguá."
Usage: #example
* identifier[registroProfesional].value = "E-20931"
* name[0].family = "Cáceres"
* name[0].given[0] = "Hugo"
* qualification[0].code = PYProfesionSaludCS#enfermeria "Enfermero/a"

Instance: partera-mbya
InstanceOf: PYTraditionalHealer
Title: "Partera tradicional mbyá reconocida por su comunidad"
Description: "Partera tradicional del pueblo mbyá guaraní, reconocida por su comunidad; conocimiento protegido."
Usage: #example
* extension[medicinaTradicional].extension[especialidad].valueCodeableConcept = PYEspecialidadMedicinaTradicionalCS#partera-tradicional "Partera tradicional / empírica"
* extension[medicinaTradicional].extension[comunidad][0].valueString = "Comunidad Tekoha Porã"
* extension[medicinaTradicional].extension[comunidad][1].valueString = "Comunidad Yvy Pytã"
* extension[medicinaTradicional].extension[idioma][0].valueCode = #gun
* extension[medicinaTradicional].extension[idioma][1].valueCode = #gn
* extension[medicinaTradicional].extension[reconocimiento].valueCoding = PYTipoReconocimientoCS#comunidad "Reconocido por su comunidad"
* extension[medicinaTradicional].extension[reconocidoPor].valueString = "Asamblea de la comunidad Tekoha Porã"
* extension[medicinaTradicional].extension[fechaReconocimiento].valueDate = "2019-05-10"
* extension[medicinaTradicional].extension[conocimientoProtegido].valueBoolean = true
* meta.security = https://fhir.mspbs.gov.py/CodeSystem/py-security-label#conocimiento-protegido "Conocimiento tradicional protegido"
* extension[puebloIndigena].valueCodeableConcept = PYPuebloIndigenaCS#43 "Mbyá Guaraní"
* identifier[agenteTradicional].value = "AT-000123"
* name[0].family = "Benítez"
* name[0].given[0] = "Ña Ramona"
* gender = #female
* communication[0] = urn:ietf:bcp:47#gun "Mbyá Guaraní"

Instance: yuyero-dinasapi
InstanceOf: PYTraditionalHealer
Title: "Yuyero reconocido por la DINASAPI"
Description: "Herbolario con cédula, reconocido por la DINASAPI; sus conocimientos no son protegidos."
Usage: #example
* extension[medicinaTradicional].extension[especialidad][0].valueCodeableConcept = PYEspecialidadMedicinaTradicionalCS#yuyero-herbolario "Yuyero/a, herbolario/a (medicina natural)"
* extension[medicinaTradicional].extension[especialidad][1].valueCodeableConcept = PYEspecialidadMedicinaTradicionalCS#huesero-componedor "Huesero / componedor"
* extension[medicinaTradicional].extension[comunidad].valueString = "Mercado 4, Asunción"
* extension[medicinaTradicional].extension[reconocimiento].valueCoding = PYTipoReconocimientoCS#dinasapi "Reconocido por la DINASAPI"
* extension[medicinaTradicional].extension[conocimientoProtegido].valueBoolean = false
* identifier[cedula].value = "987654"
* name[0].family = "Ortiz"
* name[0].given[0] = "Aurelio"
