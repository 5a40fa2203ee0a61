// Indicadores de derivación: las medidas (Measure) que evalúa Measure/$evaluate-measure, la operación
// Task/$referral-metrics y la extensión que dice de qué lado cuenta cada derivación. Ver la página "Derivaciones".

RuleSet: MedidaDerivacionPY(id, title, description, scoring)
* status = #draft
* experimental = false
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* jurisdiction = urn:iso:std:iso:3166#PY "Paraguay"
* url = "https://fhir.mspbs.gov.py/Measure/{id}"
* name = "{id}"
* title = "{title}"
* description = "{description}"
* scoring = http://terminology.hl7.org/CodeSystem/measure-scoring#{scoring}
* type = http://terminology.hl7.org/CodeSystem/measure-type#process
* subjectCodeableConcept = http://hl7.org/fhir/resource-types#Organization
* improvementNotation = http://terminology.hl7.org/CodeSystem/measure-improvement-notation#increase
* group[0].code.text = "{title}"
* group[0].population[0].code = http://terminology.hl7.org/CodeSystem/measure-population#initial-population
* group[0].population[0].description = "Derivaciones (Task py-referral-task) con authoredOn en el período, salvo entered-in-error; por establecimiento de origen (requester) o de destino (el owner de la primera versión), según el parámetro side."
* group[0].population[0].criteria.language = #application/x-fhir-query
* group[0].population[0].criteria.expression = "Task?code=https://fhir.mspbs.gov.py/CodeSystem/py-tipo-tarea-derivacion|derivacion&authored-on=ge{{periodStart}}&authored-on=le{{periodEnd}}"

Extension: PYLadoDerivacion
Id: py-lado-derivacion
Title: "Lado de la derivación"
Description: "En un MeasureReport de derivaciones: si cada derivación cuenta para su establecimiento de origen (origin) o de destino (destination)."
Context: MeasureReport
* ^status = #draft
* ^publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* value[x] only code
* valueCode 1..1

Instance: py-derivacion-completada
InstanceOf: Measure
Title: "Derivaciones completadas"
Usage: #definition
* insert MedidaDerivacionPY(py-derivacion-completada, Derivaciones completadas, [[Proporción de las derivaciones del período cuya Task llegó a completed (el destino atendió al paciente).]], proportion)
* group[0].population[1].code = http://terminology.hl7.org/CodeSystem/measure-population#denominator
* group[0].population[1].description = "La población inicial."
* group[0].population[1].criteria.language = #text/plain
* group[0].population[1].criteria.expression = "initial-population"
* group[0].population[2].code = http://terminology.hl7.org/CodeSystem/measure-population#numerator
* group[0].population[2].description = "Las que tienen status completed."
* group[0].population[2].criteria.language = #text/plain
* group[0].population[2].criteria.expression = "status = completed"

Instance: py-derivacion-escalada
InstanceOf: Measure
Title: "Derivaciones escaladas"
Usage: #definition
* insert MedidaDerivacionPY(py-derivacion-escalada, Derivaciones escaladas, [[Proporción de las derivaciones del período que no fueron aceptadas a tiempo y se escalaron a la coordinación (businessStatus escalada alguna vez).]], proportion)
* improvementNotation = http://terminology.hl7.org/CodeSystem/measure-improvement-notation#decrease
* group[0].population[1].code = http://terminology.hl7.org/CodeSystem/measure-population#denominator
* group[0].population[1].description = "La población inicial."
* group[0].population[1].criteria.language = #text/plain
* group[0].population[1].criteria.expression = "initial-population"
* group[0].population[2].code = http://terminology.hl7.org/CodeSystem/measure-population#numerator
* group[0].population[2].description = "Las escaladas (businessStatus escalada en alguna versión)."
* group[0].population[2].criteria.language = #text/plain
* group[0].population[2].criteria.expression = "businessStatus = escalada (alguna vez)"

Instance: py-derivacion-contrarreferencia
InstanceOf: Measure
Title: "Derivaciones con contrarreferencia"
Usage: #definition
* insert MedidaDerivacionPY(py-derivacion-contrarreferencia, Derivaciones con contrarreferencia, [[Proporción de las derivaciones del período cuyo destino devolvió una contrarreferencia (businessStatus contrarreferencia-enviada o ciclo-cerrado).]], proportion)
* group[0].population[1].code = http://terminology.hl7.org/CodeSystem/measure-population#denominator
* group[0].population[1].description = "La población inicial."
* group[0].population[1].criteria.language = #text/plain
* group[0].population[1].criteria.expression = "initial-population"
* group[0].population[2].code = http://terminology.hl7.org/CodeSystem/measure-population#numerator
* group[0].population[2].description = "Las que tienen una contrarreferencia (py-counter-referral-task)."
* group[0].population[2].criteria.language = #text/plain
* group[0].population[2].criteria.expression = "businessStatus = contrarreferencia-enviada o ciclo-cerrado"

Instance: py-derivacion-tiempo-aceptacion
InstanceOf: Measure
Title: "Tiempo hasta la aceptación de la derivación"
Usage: #definition
* insert MedidaDerivacionPY(py-derivacion-tiempo-aceptacion, Tiempo hasta la aceptación de la derivación, [[Mediana de las horas entre authoredOn y la escritura que llevó la Task a accepted (o a un estado posterior), en las derivaciones aceptadas del período.]], continuous-variable)
* improvementNotation = http://terminology.hl7.org/CodeSystem/measure-improvement-notation#decrease
* group[0].population[1].code = http://terminology.hl7.org/CodeSystem/measure-population#measure-population
* group[0].population[1].description = "Las aceptadas."
* group[0].population[1].criteria.language = #text/plain
* group[0].population[1].criteria.expression = "status accepted, ready, in-progress, on-hold, completed o failed"
* group[0].population[2].code = http://terminology.hl7.org/CodeSystem/measure-population#measure-observation
* group[0].population[2].description = "Horas desde authoredOn hasta la aceptación; el puntaje es la mediana (h)."
* group[0].population[2].criteria.language = #text/plain
* group[0].population[2].criteria.expression = "aceptada - authoredOn (h)"

Instance: py-derivacion-tiempo-cita
InstanceOf: Measure
Title: "Tiempo hasta la cita de la derivación"
Usage: #definition
* insert MedidaDerivacionPY(py-derivacion-tiempo-cita, Tiempo hasta la cita de la derivación, [[Mediana de los días entre authoredOn y el inicio de la cita reservada bajo la derivación (Appointment.basedOn), en las derivaciones con cita del período.]], continuous-variable)
* improvementNotation = http://terminology.hl7.org/CodeSystem/measure-improvement-notation#decrease
* group[0].population[1].code = http://terminology.hl7.org/CodeSystem/measure-population#measure-population
* group[0].population[1].description = "Las que tienen una cita reservada (no cancelada)."
* group[0].population[1].criteria.language = #text/plain
* group[0].population[1].criteria.expression = "businessStatus cita-agendada (la cita vigente)"
* group[0].population[2].code = http://terminology.hl7.org/CodeSystem/measure-population#measure-observation
* group[0].population[2].description = "Días desde authoredOn hasta Appointment.start; el puntaje es la mediana (d)."
* group[0].population[2].criteria.language = #text/plain
* group[0].population[2].criteria.expression = "Appointment.start - authoredOn (d)"

Instance: task-referral-metrics
InstanceOf: OperationDefinition
Title: "Indicadores de derivación (Task/$referral-metrics)"
Description: "Por establecimiento (de origen o de destino) o Región Sanitaria, y en total, sobre las derivaciones de un período: cuántas, aceptadas, rechazadas, completadas, con cita, escaladas y con contrarreferencia; la tasa de completadas, las proporciones escaladas y con contrarreferencia, y la mediana y la media de horas hasta la aceptación y de días hasta la cita."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/task-referral-metrics"
* name = "TaskReferralMetrics"
* title = "Indicadores de derivación (Task/$referral-metrics)"
* description = """Sobre las derivaciones (Task py-referral-task) con `authoredOn` en el período [start, end] (salvo entered-in-error), agrupadas por el establecimiento de origen (`requester`) o de destino (el `owner` de la primera versión: una derivación escalada sigue contando para su destino), o por la Región Sanitaria de ese establecimiento: cuántas hay (`referrals`), `accepted`, `rejected`, `completed`, `booked` (con cita vigente), `escalated`, `counterReferral`; `completionRate`, `escalatedShare` y `counterReferralShare` (0–1); `acceptanceHoursMedian`/`Mean` (horas desde authoredOn hasta la aceptación) y `appointmentDaysMedian`/`Mean` (días desde authoredOn hasta el inicio de la cita). Un cliente ligado a un establecimiento (o a una región) ve solo las derivaciones desde o hacia él; un cliente con solo alcances patient/ recibe 403. Errores: 400 si falta el período, si termina antes de empezar, si dura más de 1830 días, o si un parámetro es inválido; 422 too-costly con más de 5000 grupos."""
* affectsState = false
* code = #referral-metrics
* resource = #Task
* system = false
* type = true
* instance = false
* parameter[0].name = #start
* parameter[0].use = #in
* parameter[0].min = 1
* parameter[0].max = "1"
* parameter[0].type = #dateTime
* parameter[0].documentation = "Inicio del período: una fecha (el día entero en Paraguay, UTC−03:00) o un dateTime con zona."
* parameter[1].name = #end
* parameter[1].use = #in
* parameter[1].min = 1
* parameter[1].max = "1"
* parameter[1].type = #dateTime
* parameter[1].documentation = "Fin del período (una fecha incluye ese día)."
* parameter[2].name = #side
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "1"
* parameter[2].type = #code
* parameter[2].documentation = "origin (por omisión) o destination: para qué establecimiento cuenta cada derivación."
* parameter[3].name = #facility
* parameter[3].use = #in
* parameter[3].min = 0
* parameter[3].max = "*"
* parameter[3].type = #Reference
* parameter[3].documentation = "Solo estos establecimientos del lado elegido (Organization/id, o Practitioner/id de un agente de medicina tradicional); 100 como máximo."
* parameter[4].name = #region
* parameter[4].use = #in
* parameter[4].min = 0
* parameter[4].max = "1"
* parameter[4].type = #code
* parameter[4].documentation = "Solo los establecimientos del lado elegido en esta Región Sanitaria (py-region-sanitaria)."
* parameter[5].name = #group-by
* parameter[5].use = #in
* parameter[5].min = 0
* parameter[5].max = "1"
* parameter[5].type = #code
* parameter[5].documentation = "facility (por omisión), region o none (solo el total)."
* parameter[6].name = #period
* parameter[6].use = #out
* parameter[6].min = 1
* parameter[6].max = "1"
* parameter[6].type = #Period
* parameter[6].documentation = "El período evaluado."
* parameter[7].name = #total
* parameter[7].use = #out
* parameter[7].min = 1
* parameter[7].max = "1"
* parameter[7].documentation = "Los números de todas las derivaciones del período (las mismas partes que group, sin clave)."
* parameter[8].name = #group
* parameter[8].use = #out
* parameter[8].min = 0
* parameter[8].max = "*"
* parameter[8].documentation = "Un grupo por establecimiento (`facility`, Reference) o región (`region`, Coding), con sus números; sin clave, las derivaciones cuyo establecimiento no se conoce."
