// Planes de cuidados combinados: los remedios de la medicina tradicional que nombran sus actividades y la tabla
// de conflictos terapéuticos (ConceptMap) que el servidor lee en cada escritura de un CarePlan. Ver la página
// "Planes combinados".

Alias: $atc = http://www.whocc.no/atc

CodeSystem: PYRemedioTradicionalCS
Id: py-remedio-tradicional
Title: "Remedios de la medicina tradicional (plantas medicinales)"
Description: """Plantas medicinales y remedios de uso tradicional en el Paraguay (pohã ñana), para nombrar la actividad de un plan de cuidados (CarePlan.activity.detail.productCodeableConcept o detail.code). Lista inicial propuesta por HMS-OPS, a ampliar y validar con la DINASAPI, los agentes de medicina tradicional y la Dirección Nacional de Vigilancia Sanitaria; el nombre científico va en la definición. Los términos en guaraní son propuestas pendientes de revisión por hablantes (extensión py-revision-pendiente)."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-remedio-tradicional"
* ^property[0].code = #disponibilidadEstacional
* ^property[0].description = "Meses en que se consigue la planta fresca (cosecha), como `mmm-mmm` con los meses abreviados en castellano (ene, feb, mar, abr, may, jun, jul, ago, sep, oct, nov, dic), inclusive y pudiendo pasar de diciembre a enero (p. ej. `oct-mar`); `ene-dic`: todo el año. Orienta la reposición del stock (página Suministros y stock)."
* ^property[0].type = #string
* #ruda "Ruda" "Ruta chalepensis L. (y R. graveolens): hojas en infusión o en el tereré. Contiene cumarinas y furanocumarinas."
* insert DesignacionesEsEn(ruda, Ruda, Rue)
* #ruda ^property[0].code = #disponibilidadEstacional
* #ruda ^property[0].valueString = "ene-dic"
* #kaa-hee "Ka'a he'ẽ (estevia)" "Stevia rebaudiana (Bertoni) Bertoni: hojas como endulzante o en infusión; efecto hipoglucemiante descrito."
* insert Designaciones(kaa-hee, Ka'a he'ẽ (estevia\), Ka'a he'ẽ, Stevia)
* #kaa-hee ^property[0].code = #disponibilidadEstacional
* #kaa-hee ^property[0].valueString = "dic-abr"
* #paico "Paico" "Dysphania ambrosioides (L.) Mosyakin & Clemants: infusión usada como antiparasitario (vermífugo)."
* insert Designaciones(paico, Paico, Ka'arê, Mexican tea (wormseed\))
* #paico ^property[0].code = #disponibilidadEstacional
* #paico ^property[0].valueString = "sep-abr"
* #ajo "Ajo" "Allium sativum L.: crudo o en preparados, como remedio; efecto antiagregante plaquetario descrito."
* insert Designaciones(ajo, Ajo, Áho, Garlic)
* #ajo ^property[0].code = #disponibilidadEstacional
* #ajo ^property[0].valueString = "oct-mar"
* #burrito "Burrito" "Aloysia polystachya (Griseb.) Moldenke: infusión digestiva y calmante, frecuente en el tereré y el mate."
* insert DesignacionesEsEn(burrito, Burrito, Burrito (Aloysia polystachya\))
* #burrito ^property[0].code = #disponibilidadEstacional
* #burrito ^property[0].valueString = "ene-dic"
* #jaguarete-kaa "Jaguarete ka'a (carqueja)" "Baccharis trimera (Less.) DC.: infusión digestiva y hepática."
* insert Designaciones(jaguarete-kaa, Jaguarete ka'a (carqueja\), Jaguarete ka'a, Carqueja)
* #jaguarete-kaa ^property[0].code = #disponibilidadEstacional
* #jaguarete-kaa ^property[0].valueString = "ene-dic"

ValueSet: PYRemedioTradicionalVS
Id: py-remedio-tradicional
Title: "Remedios de la medicina tradicional"
Description: "Todos los remedios de py-remedio-tradicional."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-remedio-tradicional"
* include codes from system PYRemedioTradicionalCS

// Una regla: element.code (origen) y target.code (destino) se excluyen en un mismo plan; vale en ambos sentidos.
// equivalence = disjoint (no hay traducción entre ellos: $translate nunca convierte uno en el otro), comment = el
// motivo (DetectedIssue.detail), product = la gravedad (DetectedIssue.severity) y el tipo (DetectedIssue.code).
RuleSet: Conflicto(code, target, severity, kind, comment)
* group[=].element[+].code = #{code}
* group[=].element[=].target[0].code = #{target}
* group[=].element[=].target[0].equivalence = #disjoint
* group[=].element[=].target[0].comment = "{comment}"
* group[=].element[=].target[0].product[0].property = "http://hl7.org/fhir/StructureDefinition/DetectedIssue#DetectedIssue.severity"
* group[=].element[=].target[0].product[0].system = "http://hl7.org/fhir/detectedissue-severity"
* group[=].element[=].target[0].product[0].value = "{severity}"
* group[=].element[=].target[0].product[1].property = "http://hl7.org/fhir/StructureDefinition/DetectedIssue#DetectedIssue.code"
* group[=].element[=].target[0].product[1].system = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
* group[=].element[=].target[0].product[1].value = "{kind}"

Instance: py-conflictos-terapeuticos
InstanceOf: ConceptMap
Usage: #definition
Title: "Conflictos terapéuticos en planes de cuidados combinados"
Description: """Tabla de reglas de conflictos conocidos entre actividades de un plan de cuidados (py-combined-care-plan): un remedio de la medicina tradicional con un medicamento (ATC), o un tratamiento duplicado. Cada elemento es una regla: `element.code` y `target.code` no deben combinarse en un mismo plan (en cualquier orden); `target.equivalence` = `disjoint`; `target.comment` es el motivo; `target.product` da la gravedad (propiedad `…DetectedIssue#DetectedIssue.severity`: high, moderate, low) y el tipo de problema (propiedad `…DetectedIssue#DetectedIssue.code`, v3 ActCode: DRG interacción, DUPTHPY tratamiento duplicado). El servidor la lee de su almacén en cada escritura de un CarePlan: el operador la cambia con un PUT de este ConceptMap, sin reiniciar. Reglas iniciales orientativas, a revisar por la Dirección Nacional de Vigilancia Sanitaria."""
* url = "https://fhir.mspbs.gov.py/ConceptMap/py-conflictos-terapeuticos"
* version = "0.1.0"
* name = "py_conflictos_terapeuticos"
* title = "Conflictos terapéuticos en planes de cuidados combinados"
* description = "Reglas de conflictos conocidos entre actividades de un plan de cuidados: remedio con medicamento, o tratamiento duplicado. Ver la página Planes combinados."
* status = #draft
* experimental = false
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* jurisdiction = urn:iso:std:iso:3166#PY "Paraguay"
* purpose = "Que el servidor señale (DetectedIssue) los planes que combinan actividades que no deben ir juntas."
* group[0].source = "https://fhir.mspbs.gov.py/CodeSystem/py-remedio-tradicional"
* group[0].target = "http://www.whocc.no/atc"
* insert Conflicto(ruda, B01AA03, high, DRG, La ruda contiene cumarinas: con la warfarina aumenta el riesgo de sangrado.)
* insert Conflicto(ajo, B01AA03, moderate, DRG, El ajo como remedio tiene efecto antiagregante: con la warfarina aumenta el riesgo de sangrado.)
* insert Conflicto(kaa-hee, A10BA02, moderate, DRG, El ka'a he'ẽ (estevia\) suma su efecto hipoglucemiante al de la metformina: vigilar la glucemia.)
* insert Conflicto(kaa-hee, A10BB01, moderate, DRG, El ka'a he'ẽ (estevia\) suma su efecto hipoglucemiante al de la glibenclamida: riesgo de hipoglucemia.)
* insert Conflicto(paico, P02CA03, moderate, DUPTHPY, Tratamiento antiparasitario duplicado: paico y albendazol.)
* group[1].source = "http://www.whocc.no/atc"
* group[1].target = "http://www.whocc.no/atc"
* insert Conflicto(P02CA03, P02CA01, moderate, DUPTHPY, Tratamiento antiparasitario duplicado: albendazol y mebendazol.)
* insert Conflicto(P02CA03, P02CA03, low, DUPTHPY, El albendazol figura en dos actividades del plan: tratamiento duplicado.)
