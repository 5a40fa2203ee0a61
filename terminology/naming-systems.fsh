// NamingSystems: identifier systems of Paraguay and of the neighbouring countries (see the page "Identificadores").

Instance: py-cedula-identidad
InstanceOf: NamingSystem
Usage: #definition
Title: "Cédula de Identidad Civil (Paraguay)"
Description: "Cédula de identidad civil paraguaya, expedida por el Departamento de Identificaciones de la Policía Nacional (Ley 222/93, modificada por Ley 5757/2016). Número sin puntos, de 1 a 9 dígitos; no tiene dígito verificador publicado. Identifier.type = v2-0203#NI. La forma OID `urn:oid:2.16.600` es la raíz de país que usa LACPass (2.16 + código ISO 3166-1 numérico 600); el arco propio de la cédula bajo 2.16.600 está pendiente de registro."
* name = "CedulaIdentidadPY"
* status = #draft
* kind = #identifier
* date = "2026-11-22"
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* responsible = "Policía Nacional – Departamento de Identificaciones"
* description = "Cédula de identidad civil paraguaya, expedida por el Departamento de Identificaciones de la Policía Nacional (Ley 222/93, modificada por Ley 5757/2016). Número sin puntos, de 1 a 9 dígitos; no tiene dígito verificador publicado. Identifier.type = v2-0203#NI. La forma OID `urn:oid:2.16.600` es la raíz de país que usa LACPass (2.16 + código ISO 3166-1 numérico 600); el arco propio de la cédula bajo 2.16.600 está pendiente de registro."
* jurisdiction = urn:iso:std:iso:3166#PY
* type = $v2-0203#NI
* uniqueId[+].type = #uri
* uniqueId[=].value = "https://fhir.mspbs.gov.py/sid/cedula-identidad"
* uniqueId[=].preferred = true
* uniqueId[+].type = #oid
* uniqueId[=].value = "2.16.600"
* uniqueId[=].preferred = false
* uniqueId[=].comment = "Raíz LACPass del país (urn:oid:2.16.600); arco específico pendiente de registro"

Instance: py-establecimiento
InstanceOf: NamingSystem
Usage: #definition
Title: "Código de establecimiento de salud (MSPBS)"
Description: "Código de 8 dígitos del Registro de Establecimientos del MSPBS: región sanitaria (2) + distrito (3) + correlativo (3), p. ej. 11014101 (HG San Lorenzo). El prefijo 19 aparece en establecimientos del IPS (significado sin confirmar). No hay OID registrado: se propone un arco bajo 2.16.600 cuando el MSPBS lo asigne."
* name = "EstablecimientoPY"
* status = #draft
* kind = #identifier
* date = "2026-11-22"
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* responsible = "MSPBS – Registro de Establecimientos"
* description = "Código de 8 dígitos del Registro de Establecimientos del MSPBS: región sanitaria (2) + distrito (3) + correlativo (3), p. ej. 11014101 (HG San Lorenzo). El prefijo 19 aparece en establecimientos del IPS (significado sin confirmar). No hay OID registrado: se propone un arco bajo 2.16.600 cuando el MSPBS lo asigne."
* jurisdiction = urn:iso:std:iso:3166#PY
* type = $v2-0203#PRN
* uniqueId[+].type = #uri
* uniqueId[=].value = "https://fhir.mspbs.gov.py/sid/establecimiento"
* uniqueId[=].preferred = true

Instance: py-registro-profesional
InstanceOf: NamingSystem
Usage: #definition
Title: "Registro profesional de salud (MSPBS)"
Description: "Número de registro profesional otorgado por el MSPBS a los profesionales de la salud. Sin OID registrado (pendiente bajo 2.16.600)."
* name = "RegistroProfesionalPY"
* status = #draft
* kind = #identifier
* date = "2026-11-22"
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* responsible = "MSPBS – Dirección de Registro y Control de Profesiones"
* description = "Número de registro profesional otorgado por el MSPBS a los profesionales de la salud. Sin OID registrado (pendiente bajo 2.16.600)."
* jurisdiction = urn:iso:std:iso:3166#PY
* type = $v2-0203#MD
* uniqueId[+].type = #uri
* uniqueId[=].value = "https://fhir.mspbs.gov.py/sid/registro-profesional"
* uniqueId[=].preferred = true

Instance: py-agente-tradicional
InstanceOf: NamingSystem
Usage: #definition
Title: "Registro de agentes de medicina tradicional (HMS-OPS)"
Description: "Identificador que HMS-OPS asigna, con consentimiento, a los agentes de medicina tradicional que no tienen registro profesional (propuesta)."
* name = "AgenteTradicionalPY"
* status = #draft
* kind = #identifier
* date = "2026-11-22"
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* responsible = "MSPBS – DINASAPI"
* description = "Identificador que HMS-OPS asigna, con consentimiento, a los agentes de medicina tradicional que no tienen registro profesional (propuesta)."
* jurisdiction = urn:iso:std:iso:3166#PY
* uniqueId[+].type = #uri
* uniqueId[=].value = "https://fhir.mspbs.gov.py/sid/agente-tradicional"
* uniqueId[=].preferred = true

Instance: ar-dni
InstanceOf: NamingSystem
Usage: #definition
Title: "DNI (Argentina)"
Description: "Documento Nacional de Identidad argentino, con el sistema que publica la guía FHIR Core de Argentina (PatientAr, slice DNI, tipo NI). La forma LACPass es urn:oid:2.16.32 (código numérico sin verificar en las fuentes de esta guía)."
* name = "DNIArgentina"
* status = #draft
* kind = #identifier
* date = "2026-11-22"
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* responsible = "RENAPER"
* description = "Documento Nacional de Identidad argentino, con el sistema que publica la guía FHIR Core de Argentina (PatientAr, slice DNI, tipo NI). La forma LACPass es urn:oid:2.16.32 (código numérico sin verificar en las fuentes de esta guía)."
* jurisdiction = urn:iso:std:iso:3166#AR
* type = $v2-0203#NI
* uniqueId[+].type = #uri
* uniqueId[=].value = "http://www.renaper.gob.ar/dni"
* uniqueId[=].preferred = true
* uniqueId[+].type = #oid
* uniqueId[=].value = "2.16.32"
* uniqueId[=].preferred = false
* uniqueId[=].comment = "Raíz LACPass del país"

Instance: br-cpf
InstanceOf: NamingSystem
Usage: #definition
Title: "CPF (Brasil)"
Description: "Cadastro de Pessoas Físicas, con el sistema preferido que publica el Ministério da Saúde (NamingSystem https://terminologia.saude.gov.br/fhir/NamingSystem/cpf) y su forma heredada de la RNDS. Tipo TAX."
* name = "CPFBrasil"
* status = #draft
* kind = #identifier
* date = "2026-11-22"
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* responsible = "Receita Federal do Brasil"
* description = "Cadastro de Pessoas Físicas, con el sistema preferido que publica el Ministério da Saúde (NamingSystem https://terminologia.saude.gov.br/fhir/NamingSystem/cpf) y su forma heredada de la RNDS. Tipo TAX."
* jurisdiction = urn:iso:std:iso:3166#BR
* type = $v2-0203#TAX
* uniqueId[+].type = #uri
* uniqueId[=].value = "https://saude.gov.br/fhir/sid/cpf"
* uniqueId[=].preferred = true
* uniqueId[+].type = #uri
* uniqueId[=].value = "http://rnds.saude.gov.br/fhir/r4/NamingSystem/cpf"
* uniqueId[=].preferred = false
* uniqueId[=].comment = "Forma heredada (RNDS)"

Instance: br-cns
InstanceOf: NamingSystem
Usage: #definition
Title: "CNS (Brasil)"
Description: "Cartão Nacional de Saúde, con el sistema que publica BR Core (tipo HC)."
* name = "CNSBrasil"
* status = #draft
* kind = #identifier
* date = "2026-11-22"
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* responsible = "Ministério da Saúde do Brasil"
* description = "Cartão Nacional de Saúde, con el sistema que publica BR Core (tipo HC)."
* jurisdiction = urn:iso:std:iso:3166#BR
* type = $v2-0203#HC
* uniqueId[+].type = #uri
* uniqueId[=].value = "https://saude.gov.br/fhir/sid/cns"
* uniqueId[=].preferred = true

Instance: cl-run
InstanceOf: NamingSystem
Usage: #definition
Title: "RUN (Chile)"
Description: "Rol Único Nacional chileno, con el sistema que publica CL Core (CorePacienteCl)."
* name = "RUNChile"
* status = #draft
* kind = #identifier
* date = "2026-11-22"
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* responsible = "Servicio de Registro Civil e Identificación"
* description = "Rol Único Nacional chileno, con el sistema que publica CL Core (CorePacienteCl)."
* jurisdiction = urn:iso:std:iso:3166#CL
* type = $v2-0203#NI
* uniqueId[+].type = #uri
* uniqueId[=].value = "http://regcivil.cl/Validacion/RUN"
* uniqueId[=].preferred = true

Instance: uy-ci
InstanceOf: NamingSystem
Usage: #definition
Title: "Cédula de Identidad (Uruguay) — propuesta"
Description: "PROPUESTA: Uruguay no publica una guía FHIR core; se usa el OID de la cédula uruguaya que aparece en el estándar de identificación SUEIIDISS (2.16.858.1.858.68909). 7 dígitos más dígito verificador (pesos 2,9,8,7,6,3,4)."
* name = "CIUruguay"
* status = #draft
* kind = #identifier
* date = "2026-11-22"
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* responsible = "Dirección Nacional de Identificación Civil"
* description = "PROPUESTA: Uruguay no publica una guía FHIR core; se usa el OID de la cédula uruguaya que aparece en el estándar de identificación SUEIIDISS (2.16.858.1.858.68909). 7 dígitos más dígito verificador (pesos 2,9,8,7,6,3,4)."
* jurisdiction = urn:iso:std:iso:3166#UY
* type = $v2-0203#NI
* uniqueId[+].type = #oid
* uniqueId[=].value = "2.16.858.1.858.68909"
* uniqueId[=].preferred = true

Instance: bo-ci
InstanceOf: NamingSystem
Usage: #definition
Title: "Cédula de Identidad (Bolivia) — propuesta"
Description: "PROPUESTA: Bolivia no publica una guía FHIR; HMS-OPS usa esta URI provisional y la raíz LACPass urn:oid:2.16.68 hasta que Bolivia publique un sistema oficial."
* name = "CIBolivia"
* status = #draft
* kind = #identifier
* date = "2026-11-22"
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* responsible = "Servicio General de Identificación Personal (SEGIP)"
* description = "PROPUESTA: Bolivia no publica una guía FHIR; HMS-OPS usa esta URI provisional y la raíz LACPass urn:oid:2.16.68 hasta que Bolivia publique un sistema oficial."
* jurisdiction = urn:iso:std:iso:3166#BO
* type = $v2-0203#NI
* uniqueId[+].type = #uri
* uniqueId[=].value = "https://fhir.mspbs.gov.py/sid/propuesta/ci-bolivia"
* uniqueId[=].preferred = true
* uniqueId[+].type = #oid
* uniqueId[=].value = "2.16.68"
* uniqueId[=].preferred = false
* uniqueId[=].comment = "Raíz LACPass del país"
