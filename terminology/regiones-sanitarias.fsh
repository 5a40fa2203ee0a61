CodeSystem: PYRegionSanitariaCS
Id: py-region-sanitaria
Title: "Regiones Sanitarias del MSPBS"
Description: """Las 18 Regiones Sanitarias (I a XVIII). Las regiones I, II, III, IV, VII y XVII están confirmadas por fuentes (Guía RIISS 2015; prensa regional); las demás siguen la regla "región = número DGEEC del departamento, XVIII = Capital" (inferida; los códigos de establecimiento de Asunción empiezan por 18) y deben confirmarse con la Dirección de Coordinación de Regiones Sanitarias. La propiedad `departamento` da el código DGEEC; la propiedad `fuente` dice si la correspondencia está confirmada."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-region-sanitaria"
* ^property[0].code = #departamento
* ^property[0].uri = "https://fhir.mspbs.gov.py/CodeSystem/py-departamento"
* ^property[0].description = "Departamento (código DGEEC) que cubre la región"
* ^property[0].type = #code
* ^property[1].code = #fuente
* ^property[1].description = "confirmada (fuente citada) o inferida"
* ^property[1].type = #code
* #1 "I Región Sanitaria – Concepción"
* #1 ^property[0].code = #departamento
* #1 ^property[0].valueCode = #1
* #1 ^property[1].code = #fuente
* #1 ^property[1].valueCode = #confirmada
* insert Designaciones(1, I Región Sanitaria – Concepción, Tesãi Región I – Concepción, Health Region I – Concepción)
* #2 "II Región Sanitaria – San Pedro"
* #2 ^property[0].code = #departamento
* #2 ^property[0].valueCode = #2
* #2 ^property[1].code = #fuente
* #2 ^property[1].valueCode = #confirmada
* insert Designaciones(2, II Región Sanitaria – San Pedro, Tesãi Región II – San Pedro, Health Region II – San Pedro)
* #3 "III Región Sanitaria – Cordillera"
* #3 ^property[0].code = #departamento
* #3 ^property[0].valueCode = #3
* #3 ^property[1].code = #fuente
* #3 ^property[1].valueCode = #confirmada
* insert Designaciones(3, III Región Sanitaria – Cordillera, Tesãi Región III – Cordillera, Health Region III – Cordillera)
* #4 "IV Región Sanitaria – Guairá"
* #4 ^property[0].code = #departamento
* #4 ^property[0].valueCode = #4
* #4 ^property[1].code = #fuente
* #4 ^property[1].valueCode = #confirmada
* insert Designaciones(4, IV Región Sanitaria – Guairá, Tesãi Región IV – Guairá, Health Region IV – Guairá)
* #5 "V Región Sanitaria – Caaguazú"
* #5 ^property[0].code = #departamento
* #5 ^property[0].valueCode = #5
* #5 ^property[1].code = #fuente
* #5 ^property[1].valueCode = #inferida
* insert Designaciones(5, V Región Sanitaria – Caaguazú, Tesãi Región V – Caaguazú, Health Region V – Caaguazú)
* #6 "VI Región Sanitaria – Caazapá"
* #6 ^property[0].code = #departamento
* #6 ^property[0].valueCode = #6
* #6 ^property[1].code = #fuente
* #6 ^property[1].valueCode = #inferida
* insert Designaciones(6, VI Región Sanitaria – Caazapá, Tesãi Región VI – Caazapá, Health Region VI – Caazapá)
* #7 "VII Región Sanitaria – Itapúa"
* #7 ^property[0].code = #departamento
* #7 ^property[0].valueCode = #7
* #7 ^property[1].code = #fuente
* #7 ^property[1].valueCode = #confirmada
* insert Designaciones(7, VII Región Sanitaria – Itapúa, Tesãi Región VII – Itapúa, Health Region VII – Itapúa)
* #8 "VIII Región Sanitaria – Misiones"
* #8 ^property[0].code = #departamento
* #8 ^property[0].valueCode = #8
* #8 ^property[1].code = #fuente
* #8 ^property[1].valueCode = #inferida
* insert Designaciones(8, VIII Región Sanitaria – Misiones, Tesãi Región VIII – Misiones, Health Region VIII – Misiones)
* #9 "IX Región Sanitaria – Paraguarí"
* #9 ^property[0].code = #departamento
* #9 ^property[0].valueCode = #9
* #9 ^property[1].code = #fuente
* #9 ^property[1].valueCode = #inferida
* insert Designaciones(9, IX Región Sanitaria – Paraguarí, Tesãi Región IX – Paraguarí, Health Region IX – Paraguarí)
* #10 "X Región Sanitaria – Alto Paraná"
* #10 ^property[0].code = #departamento
* #10 ^property[0].valueCode = #10
* #10 ^property[1].code = #fuente
* #10 ^property[1].valueCode = #inferida
* insert Designaciones(10, X Región Sanitaria – Alto Paraná, Tesãi Región X – Alto Paraná, Health Region X – Alto Paraná)
* #11 "XI Región Sanitaria – Central"
* #11 ^property[0].code = #departamento
* #11 ^property[0].valueCode = #11
* #11 ^property[1].code = #fuente
* #11 ^property[1].valueCode = #inferida
* insert Designaciones(11, XI Región Sanitaria – Central, Tesãi Región XI – Central, Health Region XI – Central)
* #12 "XII Región Sanitaria – Ñeembucú"
* #12 ^property[0].code = #departamento
* #12 ^property[0].valueCode = #12
* #12 ^property[1].code = #fuente
* #12 ^property[1].valueCode = #inferida
* insert Designaciones(12, XII Región Sanitaria – Ñeembucú, Tesãi Región XII – Ñeembucú, Health Region XII – Ñeembucú)
* #13 "XIII Región Sanitaria – Amambay"
* #13 ^property[0].code = #departamento
* #13 ^property[0].valueCode = #13
* #13 ^property[1].code = #fuente
* #13 ^property[1].valueCode = #inferida
* insert Designaciones(13, XIII Región Sanitaria – Amambay, Tesãi Región XIII – Amambay, Health Region XIII – Amambay)
* #14 "XIV Región Sanitaria – Canindeyú"
* #14 ^property[0].code = #departamento
* #14 ^property[0].valueCode = #14
* #14 ^property[1].code = #fuente
* #14 ^property[1].valueCode = #inferida
* insert Designaciones(14, XIV Región Sanitaria – Canindeyú, Tesãi Región XIV – Canindeyú, Health Region XIV – Canindeyú)
* #15 "XV Región Sanitaria – Presidente Hayes"
* #15 ^property[0].code = #departamento
* #15 ^property[0].valueCode = #15
* #15 ^property[1].code = #fuente
* #15 ^property[1].valueCode = #inferida
* insert Designaciones(15, XV Región Sanitaria – Presidente Hayes, Tesãi Región XV – Presidente Hayes, Health Region XV – Presidente Hayes)
* #16 "XVI Región Sanitaria – Boquerón"
* #16 ^property[0].code = #departamento
* #16 ^property[0].valueCode = #16
* #16 ^property[1].code = #fuente
* #16 ^property[1].valueCode = #inferida
* insert Designaciones(16, XVI Región Sanitaria – Boquerón, Tesãi Región XVI – Boquerón, Health Region XVI – Boquerón)
* #17 "XVII Región Sanitaria – Alto Paraguay"
* #17 ^property[0].code = #departamento
* #17 ^property[0].valueCode = #17
* #17 ^property[1].code = #fuente
* #17 ^property[1].valueCode = #confirmada
* insert Designaciones(17, XVII Región Sanitaria – Alto Paraguay, Tesãi Región XVII – Alto Paraguay, Health Region XVII – Alto Paraguay)
* #18 "XVIII Región Sanitaria – Capital"
* #18 ^property[0].code = #departamento
* #18 ^property[0].valueCode = #0
* #18 ^property[1].code = #fuente
* #18 ^property[1].valueCode = #inferida
* insert Designaciones(18, XVIII Región Sanitaria – Capital, Tesãi Región XVIII – Capital, Health Region XVIII – Capital)

ValueSet: PYRegionSanitariaVS
Id: py-region-sanitaria
Title: "Regiones Sanitarias"
Description: "Todas las Regiones Sanitarias (I–XVIII)."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-region-sanitaria"
* include codes from system PYRegionSanitariaCS

