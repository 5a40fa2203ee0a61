CodeSystem: PYPaisMercosurCS
Id: py-pais-mercosur
Title: "Países del MERCOSUR"
Description: """Estados Partes y Estados Asociados del MERCOSUR, con el código ISO 3166-1 alfa-2 como código del concepto, la condición (propiedad `condicion`), el código numérico ISO 3166-1 (propiedad `iso-numerico`, base de la raíz OID `urn:oid:2.16.<numérico>` que usa LACPass) y la URI del sistema de identificación nacional (propiedad `sistema-identificador`) cuando hay una guía FHIR nacional. La condición de Bolivia (adhesión como Estado Parte) y los códigos numéricos, salvo Uruguay (858), están sin verificar en las fuentes de la guía."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-pais-mercosur"
* ^property[0].code = #condicion
* ^property[0].description = "estado-parte o estado-asociado"
* ^property[0].type = #code
* ^property[1].code = #iso-numerico
* ^property[1].description = "ISO 3166-1 numérico"
* ^property[1].type = #string
* ^property[2].code = #sistema-identificador
* ^property[2].description = "Sistema (URI) del documento nacional de identidad en la guía FHIR del país"
* ^property[2].type = #string
* #PY "Paraguay"
* #PY ^property[0].code = #condicion
* #PY ^property[0].valueCode = #estado-parte
* #PY ^property[1].code = #iso-numerico
* #PY ^property[1].valueString = "600"
* #PY ^property[2].code = #sistema-identificador
* #PY ^property[2].valueString = "https://fhir.mspbs.gov.py/sid/cedula-identidad"
* insert Designaciones(PY, Paraguay, Paraguái, Paraguay)
* #AR "Argentina"
* #AR ^property[0].code = #condicion
* #AR ^property[0].valueCode = #estado-parte
* #AR ^property[1].code = #iso-numerico
* #AR ^property[1].valueString = "32"
* #AR ^property[2].code = #sistema-identificador
* #AR ^property[2].valueString = "http://www.renaper.gob.ar/dni"
* insert Designaciones(AR, Argentina, Argentina, Argentina)
* #BR "Brasil"
* #BR ^property[0].code = #condicion
* #BR ^property[0].valueCode = #estado-parte
* #BR ^property[1].code = #iso-numerico
* #BR ^property[1].valueString = "76"
* #BR ^property[2].code = #sistema-identificador
* #BR ^property[2].valueString = "https://saude.gov.br/fhir/sid/cpf"
* insert Designaciones(BR, Brasil, Pindorama, Brazil)
* #UY "Uruguay"
* #UY ^property[0].code = #condicion
* #UY ^property[0].valueCode = #estado-parte
* #UY ^property[1].code = #iso-numerico
* #UY ^property[1].valueString = "858"
* #UY ^property[2].code = #sistema-identificador
* #UY ^property[2].valueString = "urn:oid:2.16.858.1.858.68909"
* insert Designaciones(UY, Uruguay, Uruguái, Uruguay)
* #BO "Bolivia"
* #BO ^property[0].code = #condicion
* #BO ^property[0].valueCode = #estado-parte
* #BO ^property[1].code = #iso-numerico
* #BO ^property[1].valueString = "68"
* insert Designaciones(BO, Bolivia, Bolívia, Bolivia)
* #CL "Chile"
* #CL ^property[0].code = #condicion
* #CL ^property[0].valueCode = #estado-asociado
* #CL ^property[1].code = #iso-numerico
* #CL ^property[1].valueString = "152"
* #CL ^property[2].code = #sistema-identificador
* #CL ^property[2].valueString = "http://regcivil.cl/Validacion/RUN"
* insert DesignacionesEsEn(CL, Chile, Chile)
* #CO "Colombia"
* #CO ^property[0].code = #condicion
* #CO ^property[0].valueCode = #estado-asociado
* #CO ^property[1].code = #iso-numerico
* #CO ^property[1].valueString = "170"
* insert DesignacionesEsEn(CO, Colombia, Colombia)
* #EC "Ecuador"
* #EC ^property[0].code = #condicion
* #EC ^property[0].valueCode = #estado-asociado
* #EC ^property[1].code = #iso-numerico
* #EC ^property[1].valueString = "218"
* insert DesignacionesEsEn(EC, Ecuador, Ecuador)
* #PE "Perú"
* #PE ^property[0].code = #condicion
* #PE ^property[0].valueCode = #estado-asociado
* #PE ^property[1].code = #iso-numerico
* #PE ^property[1].valueString = "604"
* insert DesignacionesEsEn(PE, Perú, Peru)

ValueSet: PYPaisMercosurVS
Id: py-pais-mercosur
Title: "Países del MERCOSUR"
Description: "Todos los países de py-pais-mercosur."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-pais-mercosur"
* include codes from system PYPaisMercosurCS

ValueSet: PYPaisMercosurISOVS
Id: py-pais-mercosur-iso
Title: "Países del MERCOSUR (ISO 3166-1)"
Description: "Los mismos países con el sistema ISO 3166-1 alfa-2 (urn:iso:std:iso:3166), para Address.country y la extensión de país emisor de documentos; enumerados para poder expandirse sin servidor de terminología."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-pais-mercosur-iso"
* urn:iso:std:iso:3166#PY "Paraguay"
* urn:iso:std:iso:3166#AR "Argentina"
* urn:iso:std:iso:3166#BR "Brasil"
* urn:iso:std:iso:3166#UY "Uruguay"
* urn:iso:std:iso:3166#BO "Bolivia"
* urn:iso:std:iso:3166#CL "Chile"
* urn:iso:std:iso:3166#CO "Colombia"
* urn:iso:std:iso:3166#EC "Ecuador"
* urn:iso:std:iso:3166#PE "Perú"

ValueSet: PYTipoIdentificadorVS
Id: py-tipo-identificador
Title: "Tipos de identificador usados en la guía"
Description: "Los códigos de HL7 v2-0203 que la guía usa en Identifier.type (cédula y documentos nacionales NI, CPF TAX, CNS HC, historia clínica MR, establecimiento PRN, registro profesional MD, registro de agentes RI, pasaporte PPN). Enumerados para expandirse sin servidor de terminología."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-tipo-identificador"
* $v2-0203#NI "National unique individual identifier"
* $v2-0203#TAX "Tax ID number"
* $v2-0203#HC "Health Card Number"
* $v2-0203#MR "Medical record number"
* $v2-0203#PRN "Provider number"
* $v2-0203#MD "Medical License number"
* $v2-0203#RI "Resource identifier"
* $v2-0203#PPN "Passport number"

ValueSet: PYTipoLugarV3VS
Id: py-tipo-lugar-v3
Title: "Tipos de lugar HL7 v3 para establecimientos"
Description: "Los códigos de HL7 v3 RoleCode (ServiceDeliveryLocationRoleType) a los que mapean los tipos de establecimiento paraguayos (ConceptMap py-tipo-establecimiento-v3), para Location.type."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-tipo-lugar-v3"
* $v3-RoleCode#PC "Primary care clinic"
* $v3-RoleCode#OF "Outpatient facility"
* $v3-RoleCode#HOSP "Hospital"
* $v3-RoleCode#GACH "Hospitals; General Acute Care Hospital"
* $v3-RoleCode#MBL "medical laboratory"
