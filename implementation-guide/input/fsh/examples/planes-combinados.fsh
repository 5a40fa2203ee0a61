// Un plan de cuidados combinado (diabetes tipo 2: metformina, ka'a he'ẽ y burrito) y el conflicto que el servidor señala.

Instance: plan-combinado-diabetes-boqueron
InstanceOf: PYCombinedCarePlan
Title: "Plan combinado: diabetes tipo 2 (medicina convencional y tradicional)"
Description: "La médica indica metformina; el yuyero acompaña con ka'a he'ẽ y burrito. Ka'a he'ẽ con metformina es un conflicto de la tabla py-conflictos-terapeuticos (DetectedIssue conflicto-plan-diabetes-boqueron)."
Usage: #example
* status = #active
* intent = #plan
* title = "Plan combinado para la diabetes tipo 2"
* subject = Reference(paciente-indigena-boqueron)
* period.start = "2026-12-07"
* addresses.display = "Diabetes mellitus tipo 2"
* activity[0].extension[tipoAtencion].valueCoding = PYTipoAtencionCS#convencional "Convencional"
* activity[0].detail.kind = #MedicationRequest
* activity[0].detail.status = #in-progress
* activity[0].detail.productCodeableConcept = $atc#A10BA02 "metformin"
* activity[0].detail.performer = Reference(medica-san-lorenzo)
* activity[0].detail.description = "Metformina 850 mg con el almuerzo y la cena"
* activity[1].extension[tipoAtencion].valueCoding = PYTipoAtencionCS#tradicional "Tradicional"
* activity[1].detail.status = #not-started
* activity[1].detail.productCodeableConcept = PYRemedioTradicionalCS#kaa-hee "Ka'a he'ẽ (estevia)"
* activity[1].detail.performer = Reference(yuyero-dinasapi)
* activity[1].detail.description = "Infusión de hojas de ka'a he'ẽ, una taza por la mañana"
* activity[2].extension[tipoAtencion].valueCoding = PYTipoAtencionCS#tradicional "Tradicional"
* activity[2].detail.status = #not-started
* activity[2].detail.productCodeableConcept = PYRemedioTradicionalCS#burrito "Burrito"
* activity[2].detail.performer = Reference(yuyero-dinasapi)
* activity[2].detail.description = "Burrito en el tereré, después de las comidas"

Instance: conflicto-plan-diabetes-boqueron
InstanceOf: DetectedIssue
Title: "Conflicto: ka'a he'ẽ con metformina"
Description: "El DetectedIssue que el servidor crea al guardar el plan combinado: la regla kaa-hee ↔ A10BA02 de py-conflictos-terapeuticos."
Usage: #example
* identifier.system = "https://fhir.mspbs.gov.py/sid/conflicto-plan"
* identifier.value = "plan-combinado-diabetes-boqueron:A10BA02:kaa-hee"
* status = #final
* code = http://terminology.hl7.org/CodeSystem/v3-ActCode#DRG "Drug Interaction Alert"
* severity = #moderate
* patient = Reference(paciente-indigena-boqueron)
* identifiedDateTime = "2026-12-07T09:00:00-03:00"
* implicated = Reference(plan-combinado-diabetes-boqueron)
* evidence[0].code[0] = $atc#A10BA02 "metformin"
* evidence[0].code[1] = PYRemedioTradicionalCS#kaa-hee "Ka'a he'ẽ (estevia)"
* detail = "Actividad 1 (metformin, convencional) y actividad 2 (Ka'a he'ẽ (estevia), tradicional): El ka'a he'ẽ (estevia) suma su efecto hipoglucemiante al de la metformina: vigilar la glucemia."
* reference = "https://fhir.mspbs.gov.py/ConceptMap/py-conflictos-terapeuticos"
