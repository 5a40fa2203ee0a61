Profile: PYPatient
Parent: Patient
Id: py-patient
Title: "Paciente (Paraguay)"
Description: """Persona atendida en el sistema de salud del Paraguay. Se identifica, cuando la tiene, con la cédula de identidad paraguaya (slice `cedula`, 0..1: muchos recién nacidos y personas de comunidades rurales o indígenas no la tienen) y, para la atención en frontera, con los documentos nacionales de los países vecinos (DNI, CPF, CNS, RUN, CI). El domicilio lleva el departamento y el distrito codificados (DGEEC); los idiomas de comunicación incluyen castellano, guaraní y lenguas indígenas."""
* insert MetadatosPY
* extension contains PYPuebloIndigena named puebloIndigena 0..1 and PYComunidadIndigena named comunidadIndigena 0..1
* extension contains PYPreferenciaAtencion named preferenciaAtencion 0..1
* extension[preferenciaAtencion] ^short = "Preferencia sobre la medicina tradicional (atención y compartir información con agentes)"
* identifier 1..*
* insert IdentificadorPorSistema
* identifier contains cedula 0..1 and dniAR 0..1 and cpfBR 0..1 and cnsBR 0..1 and runCL 0..1 and ciUY 0..1 and ciBO 0..1
* insert SliceIdentificador(cedula, https://fhir.mspbs.gov.py/sid/cedula-identidad, NI)
* identifier[cedula] ^short = "Cédula de identidad paraguaya"
* identifier[cedula] obeys py-ci-1
* insert SliceIdentificador(dniAR, http://www.renaper.gob.ar/dni, NI)
* identifier[dniAR] ^short = "DNI argentino"
* insert SliceIdentificador(cpfBR, https://saude.gov.br/fhir/sid/cpf, TAX)
* identifier[cpfBR] ^short = "CPF brasileño"
* identifier[cpfBR] obeys py-cpf-1
* insert SliceIdentificador(cnsBR, https://saude.gov.br/fhir/sid/cns, HC)
* identifier[cnsBR] ^short = "Cartão Nacional de Saúde (Brasil)"
* insert SliceIdentificador(runCL, http://regcivil.cl/Validacion/RUN, NI)
* identifier[runCL] ^short = "RUN chileno"
* insert SliceIdentificador(ciUY, urn:oid:2.16.858.1.858.68909, NI)
* identifier[ciUY] ^short = "Cédula uruguaya (propuesta)"
* insert SliceIdentificador(ciBO, https://fhir.mspbs.gov.py/sid/propuesta/ci-bolivia, NI)
* identifier[ciBO] ^short = "Cédula boliviana (propuesta)"
* name 1..*
* name.family 1..1
* name.family.extension contains http://hl7.org/fhir/StructureDefinition/humanname-mothers-family named apellidoMaterno 0..1
* name.given 1..*
* gender 1..1
* birthDate 1..1
* insert DireccionPY(address)
* communication.language from PYIdiomaVS (extensible)
* communication ^short = "Idiomas en que la persona prefiere ser atendida (castellano, guaraní, lenguas indígenas)"

Invariant: py-ci-1
Description: "La cédula de identidad paraguaya es numérica, de 1 a 9 dígitos, sin puntos ni guiones."
Expression: "value.exists() implies value.matches('^[0-9]{1,9}$')"
Severity: #error

Invariant: py-cpf-1
Description: "El CPF tiene 11 dígitos, sin puntos ni guiones."
Expression: "value.exists() implies value.matches('^[0-9]{11}$')"
Severity: #error

Invariant: py-dir-1
Description: "El distrito pertenece al departamento: el código DGEEC del distrito sin sus dos últimos dígitos es el del departamento (Asunción: distrito 0, departamento 0)."
Expression: "(extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-distrito').exists() and extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-departamento').exists()) implies (extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-distrito').value.code.select(iif(length() > 2, substring(0, length() - 2), '0')) = extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-departamento').value.code)"
Severity: #error
