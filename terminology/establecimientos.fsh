CodeSystem: PYTipoEstablecimientoCS
Id: py-tipo-establecimiento
Title: "Tipos de establecimiento de salud"
Description: """Tipos de establecimiento de salud del Paraguay, a partir de los prefijos de nombre del Registro de Establecimientos que usa el MSPBS (USF, P.S., C.S., H.D., HMI, H.G., C.E.; ver VigiCanPY `RegEstablecimientoCodigoCS`). Propuesta HMS-OPS: los códigos y el nivel de atención por tipo (propiedad `nivel-atencion`) deben validarse con la DGPE/Registro de Establecimientos. USF-A, DISP y HR no aparecen como prefijos en la fuente."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-tipo-establecimiento"
* ^property[0].code = #nivel-atencion
* ^property[0].uri = "https://fhir.mspbs.gov.py/CodeSystem/py-nivel-atencion"
* ^property[0].description = "Nivel de atención habitual del tipo (py-nivel-atencion); ausente para establecimientos de apoyo"
* ^property[0].type = #code
* #PS "Puesto de Salud"
* #PS ^property[0].code = #nivel-atencion
* #PS ^property[0].valueCode = #1
* insert Designaciones(PS, Puesto de Salud, Tesãi Róga, Health Post)
* #USF "Unidad de Salud de la Familia"
* #USF ^property[0].code = #nivel-atencion
* #USF ^property[0].valueCode = #1
* insert Designaciones(USF, Unidad de Salud de la Familia, Ogaygua Tesãi Róga, Family Health Unit)
* #USF-A "Unidad de Salud de la Familia Ampliada"
* #USF-A ^property[0].code = #nivel-atencion
* #USF-A ^property[0].valueCode = #1
* insert DesignacionesEsEn(USF-A, Unidad de Salud de la Familia Ampliada, Extended Family Health Unit)
* #DISP "Dispensario"
* #DISP ^property[0].code = #nivel-atencion
* #DISP ^property[0].valueCode = #1
* insert DesignacionesEsEn(DISP, Dispensario, Dispensary)
* #CS "Centro de Salud"
* #CS ^property[0].code = #nivel-atencion
* #CS ^property[0].valueCode = #1
* insert Designaciones(CS, Centro de Salud, Tesãi Renda, Health Centre)
* #HD "Hospital Distrital"
* #HD ^property[0].code = #nivel-atencion
* #HD ^property[0].valueCode = #2
* insert DesignacionesEsEn(HD, Hospital Distrital, District Hospital)
* #HMI "Hospital Materno-Infantil"
* #HMI ^property[0].code = #nivel-atencion
* #HMI ^property[0].valueCode = #2
* insert DesignacionesEsEn(HMI, Hospital Materno-Infantil, Maternal and Child Hospital)
* #HR "Hospital Regional"
* #HR ^property[0].code = #nivel-atencion
* #HR ^property[0].valueCode = #2
* insert DesignacionesEsEn(HR, Hospital Regional, Regional Hospital)
* #HG "Hospital General"
* #HG ^property[0].code = #nivel-atencion
* #HG ^property[0].valueCode = #3
* insert DesignacionesEsEn(HG, Hospital General, General Hospital)
* #HE "Hospital Especializado / Nacional"
* #HE ^property[0].code = #nivel-atencion
* #HE ^property[0].valueCode = #3
* insert DesignacionesEsEn(HE, Hospital Especializado / Nacional, Specialised or National Hospital)
* #INST "Instituto / Centro Especializado"
* #INST ^property[0].code = #nivel-atencion
* #INST ^property[0].valueCode = #3
* insert DesignacionesEsEn(INST, Instituto / Centro Especializado, Institute or Specialised Centre)
* #LAB "Laboratorio / Banco de sangre"
* insert DesignacionesEsEn(LAB, Laboratorio / Banco de sangre, Laboratory or Blood Bank)
* #ALM "Almacén / Parque Sanitario"
* insert DesignacionesEsEn(ALM, Almacén / Parque Sanitario, Medical Store or Warehouse)

ValueSet: PYTipoEstablecimientoVS
Id: py-tipo-establecimiento
Title: "Tipos de establecimiento de salud"
Description: "Todos los tipos de py-tipo-establecimiento."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-tipo-establecimiento"
* include codes from system PYTipoEstablecimientoCS

CodeSystem: PYNivelAtencionCS
Id: py-nivel-atencion
Title: "Niveles de atención"
Description: "Niveles de atención de la red de servicios (RIISS): primer nivel (APS), segundo (mediana complejidad), tercero (alta complejidad). Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-nivel-atencion"
* #1 "Primer nivel de atención (APS)"
* insert Designaciones(1, Primer nivel de atención (APS\), Peteĩha nivel, Primary care level)
* #2 "Segundo nivel de atención (mediana complejidad)"
* insert Designaciones(2, Segundo nivel de atención (mediana complejidad\), Mokõiha nivel, Secondary care level)
* #3 "Tercer nivel de atención (alta complejidad)"
* insert Designaciones(3, Tercer nivel de atención (alta complejidad\), Mbohapyha nivel, Tertiary care level)

ValueSet: PYNivelAtencionVS
Id: py-nivel-atencion
Title: "Niveles de atención"
Description: "Todos los niveles de py-nivel-atencion."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-nivel-atencion"
* include codes from system PYNivelAtencionCS

CodeSystem: PYSubsectorCS
Id: py-subsector
Title: "Subsectores del Sistema Nacional de Salud"
Description: "Subsectores y subsistemas prestadores (Ley 1032/96: público, mixto y privado; MSPBS, IPS, Sanidad Militar y Policial). Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-subsector"
* #mspbs "Ministerio de Salud Pública y Bienestar Social"
* insert DesignacionesEsEn(mspbs, Ministerio de Salud Pública y Bienestar Social, Ministry of Public Health and Social Welfare)
* #ips "Instituto de Previsión Social"
* insert DesignacionesEsEn(ips, Instituto de Previsión Social, Social Security Institute)
* #sanidad-militar "Dirección de Sanidad Militar (FF.AA.)"
* insert DesignacionesEsEn(sanidad-militar, Dirección de Sanidad Militar (FF.AA.\), Armed Forces Health Service)
* #sanidad-policial "Sanidad Policial (Policía Nacional)"
* insert DesignacionesEsEn(sanidad-policial, Sanidad Policial (Policía Nacional\), National Police Health Service)
* #universitario "Hospital universitario"
* insert DesignacionesEsEn(universitario, Hospital universitario, University hospital)
* #privado "Privado / medicina prepaga"
* insert DesignacionesEsEn(privado, Privado / medicina prepaga, Private or prepaid)
* #mixto "Mixto / sin fines de lucro"
* insert DesignacionesEsEn(mixto, Mixto / sin fines de lucro, Mixed or not-for-profit)

ValueSet: PYSubsectorVS
Id: py-subsector
Title: "Subsectores"
Description: "Todos los subsectores de py-subsector."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-subsector"
* include codes from system PYSubsectorCS

CodeSystem: PYAccesibilidadCS
Id: py-accesibilidad
Title: "Accesibilidad del establecimiento"
Description: "Cómo se llega al establecimiento durante el año (Chaco, zonas inundables, comunidades ribereñas). Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-accesibilidad"
* #permanente "Accesible todo el año por vía terrestre"
* insert DesignacionesEsEn(permanente, Accesible todo el año por vía terrestre, Accessible all year by road)
* #estacional-lluvias "Inaccesible por tierra en temporada de lluvias"
* insert DesignacionesEsEn(estacional-lluvias, Inaccesible por tierra en temporada de lluvias, Cut off by road in the rainy season)
* #estacional-crecidas "Inaccesible durante las crecidas del río"
* insert DesignacionesEsEn(estacional-crecidas, Inaccesible durante las crecidas del río, Cut off when the river floods)
* #solo-fluvial "Accesible solo por vía fluvial"
* insert DesignacionesEsEn(solo-fluvial, Accesible solo por vía fluvial, Reachable by river only)
* #solo-aerea "Accesible solo por vía aérea"
* insert DesignacionesEsEn(solo-aerea, Accesible solo por vía aérea, Reachable by air only)

ValueSet: PYAccesibilidadVS
Id: py-accesibilidad
Title: "Accesibilidad del establecimiento"
Description: "Todos los códigos de py-accesibilidad."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-accesibilidad"
* include codes from system PYAccesibilidadCS

Instance: py-tipo-establecimiento-v3
InstanceOf: ConceptMap
Usage: #definition
Title: "Tipos de establecimiento → HL7 v3 ServiceDeliveryLocationRoleType"
Description: "Correspondencia de py-tipo-establecimiento con HL7 v3 RoleCode (ServiceDeliveryLocationRoleType), para Location.type en intercambios internacionales. El Almacén no tiene equivalente."
* url = "https://fhir.mspbs.gov.py/ConceptMap/py-tipo-establecimiento-v3"
* name = "py_tipo_establecimiento_v3"
* title = "Tipos de establecimiento → HL7 v3 ServiceDeliveryLocationRoleType"
* description = "Correspondencia de py-tipo-establecimiento con HL7 v3 RoleCode (ServiceDeliveryLocationRoleType), para Location.type en intercambios internacionales. El Almacén no tiene equivalente."
* status = #draft
* experimental = false
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* jurisdiction = urn:iso:std:iso:3166#PY "Paraguay"
* sourceUri = "https://fhir.mspbs.gov.py/ValueSet/py-tipo-establecimiento"
* targetUri = "http://terminology.hl7.org/ValueSet/v3-ServiceDeliveryLocationRoleType"
* group[0].source = "https://fhir.mspbs.gov.py/CodeSystem/py-tipo-establecimiento"
* group[0].target = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
* group[0].element[+].code = #PS
* group[0].element[=].target[0].code = #PC
* group[0].element[=].target[0].display = "Primary care clinic"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #USF
* group[0].element[=].target[0].code = #PC
* group[0].element[=].target[0].display = "Primary care clinic"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #USF-A
* group[0].element[=].target[0].code = #PC
* group[0].element[=].target[0].display = "Primary care clinic"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #DISP
* group[0].element[=].target[0].code = #OF
* group[0].element[=].target[0].display = "Outpatient facility"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #CS
* group[0].element[=].target[0].code = #OF
* group[0].element[=].target[0].display = "Outpatient facility"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #HD
* group[0].element[=].target[0].code = #HOSP
* group[0].element[=].target[0].display = "Hospital"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #HMI
* group[0].element[=].target[0].code = #HOSP
* group[0].element[=].target[0].display = "Hospital"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #HR
* group[0].element[=].target[0].code = #GACH
* group[0].element[=].target[0].display = "Hospitals; General Acute Care Hospital"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #HG
* group[0].element[=].target[0].code = #GACH
* group[0].element[=].target[0].display = "Hospitals; General Acute Care Hospital"
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #HE
* group[0].element[=].target[0].code = #HOSP
* group[0].element[=].target[0].display = "Hospital"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #INST
* group[0].element[=].target[0].code = #OF
* group[0].element[=].target[0].display = "Outpatient facility"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #LAB
* group[0].element[=].target[0].code = #MBL
* group[0].element[=].target[0].display = "medical laboratory"
* group[0].element[=].target[0].equivalence = #wider
* group[0].element[+].code = #ALM
* group[0].element[=].target[0].equivalence = #unmatched
* group[0].element[=].target[0].comment = "Depósito de insumos: no es un lugar de atención."
