CodeSystem: PYDepartamentoCS
Id: py-departamento
Title: "Departamentos del Paraguay (DGEEC)"
Description: """Departamentos del Paraguay con la codificación de la DGEEC/INE que el MSPBS ya usa (VigiCanPY `GeoDepartamentosPYCS`): 0 = Capital (Asunción), 1 a 17.
El código ISO 3166-2:PY se da como propiedad `iso3166-2` y la Región Sanitaria como propiedad `region-sanitaria`.
**Atención:** ISO 3166-2 y DGEEC difieren para Boquerón (DGEEC 16 = PY-19) y Alto Paraguay (DGEEC 17 = PY-16): nunca derive un código del otro; use el ConceptMap `py-departamento-iso3166-2`.
Regiones sanitarias: I, II, III, IV, VII, XVII confirmadas por fuentes; las demás siguen la regla región = número de departamento (XVIII = Capital), pendiente de confirmación por la Dirección de Coordinación de Regiones Sanitarias."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-departamento"
* ^property[0].code = #iso3166-2
* ^property[0].uri = "urn:iso:std:iso:3166:-2"
* ^property[0].description = "Código ISO 3166-2:PY de la subdivisión"
* ^property[0].type = #string
* ^property[1].code = #region-sanitaria
* ^property[1].description = "Región Sanitaria del MSPBS (código de py-region-sanitaria)"
* ^property[1].type = #code
* #0 "Capital (Asunción)"
* #0 ^property[0].code = #iso3166-2
* #0 ^property[0].valueString = "PY-ASU"
* #0 ^property[1].code = #region-sanitaria
* #0 ^property[1].valueCode = #18
* insert Designaciones(0, Capital (Asunción\), Paraguay (Táva Guasu\), Capital District (Asunción\))
* #1 "Concepción"
* #1 ^property[0].code = #iso3166-2
* #1 ^property[0].valueString = "PY-1"
* #1 ^property[1].code = #region-sanitaria
* #1 ^property[1].valueCode = #1
* insert Designaciones(1, Concepción, Concepción, Concepción)
* #2 "San Pedro"
* #2 ^property[0].code = #iso3166-2
* #2 ^property[0].valueString = "PY-2"
* #2 ^property[1].code = #region-sanitaria
* #2 ^property[1].valueCode = #2
* insert Designaciones(2, San Pedro, San Pedro, San Pedro)
* #3 "Cordillera"
* #3 ^property[0].code = #iso3166-2
* #3 ^property[0].valueString = "PY-3"
* #3 ^property[1].code = #region-sanitaria
* #3 ^property[1].valueCode = #3
* insert Designaciones(3, Cordillera, Cordillera, Cordillera)
* #4 "Guairá"
* #4 ^property[0].code = #iso3166-2
* #4 ^property[0].valueString = "PY-4"
* #4 ^property[1].code = #region-sanitaria
* #4 ^property[1].valueCode = #4
* insert Designaciones(4, Guairá, Guaira, Guairá)
* #5 "Caaguazú"
* #5 ^property[0].code = #iso3166-2
* #5 ^property[0].valueString = "PY-5"
* #5 ^property[1].code = #region-sanitaria
* #5 ^property[1].valueCode = #5
* insert Designaciones(5, Caaguazú, Ka'aguasu, Caaguazú)
* #6 "Caazapá"
* #6 ^property[0].code = #iso3166-2
* #6 ^property[0].valueString = "PY-6"
* #6 ^property[1].code = #region-sanitaria
* #6 ^property[1].valueCode = #6
* insert Designaciones(6, Caazapá, Ka'asapa, Caazapá)
* #7 "Itapúa"
* #7 ^property[0].code = #iso3166-2
* #7 ^property[0].valueString = "PY-7"
* #7 ^property[1].code = #region-sanitaria
* #7 ^property[1].valueCode = #7
* insert Designaciones(7, Itapúa, Itapúa, Itapúa)
* #8 "Misiones"
* #8 ^property[0].code = #iso3166-2
* #8 ^property[0].valueString = "PY-8"
* #8 ^property[1].code = #region-sanitaria
* #8 ^property[1].valueCode = #8
* insert Designaciones(8, Misiones, Misiones, Misiones)
* #9 "Paraguarí"
* #9 ^property[0].code = #iso3166-2
* #9 ^property[0].valueString = "PY-9"
* #9 ^property[1].code = #region-sanitaria
* #9 ^property[1].valueCode = #9
* insert Designaciones(9, Paraguarí, Paraguari, Paraguarí)
* #10 "Alto Paraná"
* #10 ^property[0].code = #iso3166-2
* #10 ^property[0].valueString = "PY-10"
* #10 ^property[1].code = #region-sanitaria
* #10 ^property[1].valueCode = #10
* insert Designaciones(10, Alto Paraná, Paraná Yvate, Alto Paraná)
* #11 "Central"
* #11 ^property[0].code = #iso3166-2
* #11 ^property[0].valueString = "PY-11"
* #11 ^property[1].code = #region-sanitaria
* #11 ^property[1].valueCode = #11
* insert Designaciones(11, Central, Central, Central)
* #12 "Ñeembucú"
* #12 ^property[0].code = #iso3166-2
* #12 ^property[0].valueString = "PY-12"
* #12 ^property[1].code = #region-sanitaria
* #12 ^property[1].valueCode = #12
* insert Designaciones(12, Ñeembucú, Ñe'ẽmbuku, Ñeembucú)
* #13 "Amambay"
* #13 ^property[0].code = #iso3166-2
* #13 ^property[0].valueString = "PY-13"
* #13 ^property[1].code = #region-sanitaria
* #13 ^property[1].valueCode = #13
* insert Designaciones(13, Amambay, Amambái, Amambay)
* #14 "Canindeyú"
* #14 ^property[0].code = #iso3166-2
* #14 ^property[0].valueString = "PY-14"
* #14 ^property[1].code = #region-sanitaria
* #14 ^property[1].valueCode = #14
* insert Designaciones(14, Canindeyú, Kanindeju, Canindeyú)
* #15 "Presidente Hayes"
* #15 ^property[0].code = #iso3166-2
* #15 ^property[0].valueString = "PY-15"
* #15 ^property[1].code = #region-sanitaria
* #15 ^property[1].valueCode = #15
* insert Designaciones(15, Presidente Hayes, Presidente Hayes, Presidente Hayes)
* #16 "Boquerón"
* #16 ^property[0].code = #iso3166-2
* #16 ^property[0].valueString = "PY-19"
* #16 ^property[1].code = #region-sanitaria
* #16 ^property[1].valueCode = #16
* insert Designaciones(16, Boquerón, Boquerón, Boquerón)
* #17 "Alto Paraguay"
* #17 ^property[0].code = #iso3166-2
* #17 ^property[0].valueString = "PY-16"
* #17 ^property[1].code = #region-sanitaria
* #17 ^property[1].valueCode = #17
* insert Designaciones(17, Alto Paraguay, Paraguay Yvate, Alto Paraguay)

ValueSet: PYDepartamentoVS
Id: py-departamento
Title: "Departamentos del Paraguay"
Description: "Todos los departamentos (DGEEC 0–17)."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-departamento"
* include codes from system PYDepartamentoCS

Instance: py-departamento-iso3166-2
InstanceOf: ConceptMap
Usage: #definition
Title: "Departamentos: DGEEC → ISO 3166-2:PY"
Description: "Correspondencia explícita, código por código, de la numeración DGEEC a ISO 3166-2:PY. Difieren para Boquerón (16 → PY-19) y Alto Paraguay (17 → PY-16)."
* url = "https://fhir.mspbs.gov.py/ConceptMap/py-departamento-iso3166-2"
* name = "py_departamento_iso3166_2"
* title = "Departamentos: DGEEC → ISO 3166-2:PY"
* description = "Correspondencia explícita, código por código, de la numeración DGEEC a ISO 3166-2:PY. Difieren para Boquerón (16 → PY-19) y Alto Paraguay (17 → PY-16)."
* status = #draft
* experimental = false
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* jurisdiction = urn:iso:std:iso:3166#PY "Paraguay"
* sourceUri = "https://fhir.mspbs.gov.py/ValueSet/py-departamento"
* targetUri = "urn:iso:std:iso:3166:-2"
* group[0].source = "https://fhir.mspbs.gov.py/CodeSystem/py-departamento"
* group[0].target = "urn:iso:std:iso:3166:-2"
* group[0].element[+].code = #0
* group[0].element[=].target[0].code = #PY-ASU
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #1
* group[0].element[=].target[0].code = #PY-1
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #2
* group[0].element[=].target[0].code = #PY-2
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #3
* group[0].element[=].target[0].code = #PY-3
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #4
* group[0].element[=].target[0].code = #PY-4
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #5
* group[0].element[=].target[0].code = #PY-5
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #6
* group[0].element[=].target[0].code = #PY-6
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #7
* group[0].element[=].target[0].code = #PY-7
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #8
* group[0].element[=].target[0].code = #PY-8
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #9
* group[0].element[=].target[0].code = #PY-9
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #10
* group[0].element[=].target[0].code = #PY-10
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #11
* group[0].element[=].target[0].code = #PY-11
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #12
* group[0].element[=].target[0].code = #PY-12
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #13
* group[0].element[=].target[0].code = #PY-13
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #14
* group[0].element[=].target[0].code = #PY-14
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #15
* group[0].element[=].target[0].code = #PY-15
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #16
* group[0].element[=].target[0].code = #PY-19
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #17
* group[0].element[=].target[0].code = #PY-16
* group[0].element[=].target[0].equivalence = #equivalent

Instance: py-iso3166-2-departamento
InstanceOf: ConceptMap
Usage: #definition
Title: "Departamentos: ISO 3166-2:PY → DGEEC"
Description: "Correspondencia inversa, de ISO 3166-2:PY a la numeración DGEEC (PY-16 → 17 Alto Paraguay; PY-19 → 16 Boquerón)."
* url = "https://fhir.mspbs.gov.py/ConceptMap/py-iso3166-2-departamento"
* name = "py_iso3166_2_departamento"
* title = "Departamentos: ISO 3166-2:PY → DGEEC"
* description = "Correspondencia inversa, de ISO 3166-2:PY a la numeración DGEEC (PY-16 → 17 Alto Paraguay; PY-19 → 16 Boquerón)."
* status = #draft
* experimental = false
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* jurisdiction = urn:iso:std:iso:3166#PY "Paraguay"
* sourceUri = "urn:iso:std:iso:3166:-2"
* targetUri = "https://fhir.mspbs.gov.py/ValueSet/py-departamento"
* group[0].source = "urn:iso:std:iso:3166:-2"
* group[0].target = "https://fhir.mspbs.gov.py/CodeSystem/py-departamento"
* group[0].element[+].code = #PY-ASU
* group[0].element[=].target[0].code = #0
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-1
* group[0].element[=].target[0].code = #1
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-2
* group[0].element[=].target[0].code = #2
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-3
* group[0].element[=].target[0].code = #3
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-4
* group[0].element[=].target[0].code = #4
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-5
* group[0].element[=].target[0].code = #5
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-6
* group[0].element[=].target[0].code = #6
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-7
* group[0].element[=].target[0].code = #7
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-8
* group[0].element[=].target[0].code = #8
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-9
* group[0].element[=].target[0].code = #9
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-10
* group[0].element[=].target[0].code = #10
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-11
* group[0].element[=].target[0].code = #11
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-12
* group[0].element[=].target[0].code = #12
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-13
* group[0].element[=].target[0].code = #13
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-14
* group[0].element[=].target[0].code = #14
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-15
* group[0].element[=].target[0].code = #15
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-19
* group[0].element[=].target[0].code = #16
* group[0].element[=].target[0].equivalence = #equivalent
* group[0].element[+].code = #PY-16
* group[0].element[=].target[0].code = #17
* group[0].element[=].target[0].equivalence = #equivalent
