// Derivaciones (referencia) y contrarreferencias: la solicitud (ServiceRequest) y las tareas del circuito cerrado
// (Task, con la máquina de estados de FHIR Workflow que el servidor hace cumplir). Ver la página "Derivaciones".

Profile: PYReferral
Parent: ServiceRequest
Id: py-referral
Title: "Derivación (Paraguay)"
Description: """Derivación de un paciente desde un establecimiento (o un agente de medicina tradicional) hacia otro: el motivo, la prioridad, el origen (`requester`: el establecimiento, o el profesional con su rol en él) y el destino (`performer`: el establecimiento, su servicio, un profesional con su rol o un agente de medicina tradicional), el servicio pedido (`code`) y el tipo de atención (convencional o tradicional, en ambos sentidos).

El circuito lo llevan las Task py-referral-task (atenderla) y py-counter-referral-task (devolver el resultado). Una cita de la derivación lleva `Appointment.basedOn` = la derivación: el establecimiento de origen puede reservarla en la agenda del destino una vez que este la aceptó."""
* insert MetadatosPY
* extension contains PYTipoAtencion named tipoAtencion 0..1
* extension[tipoAtencion] ^short = "Atención pedida: convencional, tradicional o intercultural"
* status 1..1
* intent = #order
* category 1..*
* category ^short = "Incluye SNOMED CT 3457005 (derivación de paciente)"
* priority 1..1
* code 1..1
* code ^short = "Servicio o especialidad pedida"
* subject only Reference(Patient)
* requester 1..1
* requester only Reference(Organization or PractitionerRole or Practitioner)
* requester ^short = "Origen: el establecimiento, o el profesional con su rol en él"
* performer 1..*
* performer only Reference(Organization or HealthcareService or PractitionerRole or Practitioner)
* performer ^short = "Destino: establecimiento, servicio, rol, profesional o agente de medicina tradicional"
* reasonCode ^short = "Motivo de la derivación"
* obeys py-deriv-1

Invariant: py-deriv-1
Description: "La derivación dice su motivo (reasonCode o reasonReference)."
Expression: "reasonCode.exists() or reasonReference.exists()"
Severity: #error

Profile: PYReferralTask
Parent: Task
Id: py-referral-task
Title: "Tarea de derivación (Paraguay)"
Description: """La derivación en curso: `focus` es la derivación (py-referral); `requester` el origen y `owner` el destino que la atiende. El servidor hace cumplir la máquina de estados de FHIR Workflow (requested → received → accepted → in-progress → completed; rejected, cancelled, failed, on-hold) por PUT, PATCH y en transacciones, y escribe `businessStatus` (py-estado-derivacion) cuando la cita de la derivación cambia y cuando llega la contrarreferencia. Solo el destino (un cliente ligado al establecimiento de `owner`) recibe, acepta, rechaza, inicia y completa."""
* insert MetadatosPY
* code 1..1
* code = PYTipoTareaDerivacionCS#derivacion
* intent = #order
* focus 1..1
* focus only Reference(ServiceRequest)
* for 1..1
* for only Reference(Patient)
* requester 1..1
* authoredOn 1..1
* authoredOn ^short = "Cuándo se derivó (el plazo para aceptarla cuenta desde aquí)"
* priority ^short = "Prioridad: fija el plazo para aceptarla (REFERRAL_DEADLINE_HOURS)"
* businessStatus from PYEstadoDerivacionVS (extensible)
* restriction.period ^short = "Plazo propio para aceptarla (si falta: authoredOn + las horas de la prioridad)"

Profile: PYCounterReferralTask
Parent: Task
Id: py-counter-referral-task
Title: "Contrarreferencia (Paraguay)"
Description: """El resultado de una derivación atendida, devuelto al origen: `partOf` es la tarea de derivación (py-referral-task), `focus` el resumen (un DocumentReference o una Composition), `requester` el destino que la envía y `owner` el origen que la recibe. Al crearla, la tarea de derivación pasa a `contrarreferencia-enviada`; cuando el origen la completa, a `ciclo-cerrado`."""
* insert MetadatosPY
* code 1..1
* code = PYTipoTareaDerivacionCS#contrarreferencia
* intent = #order
* partOf 1..1
* partOf only Reference(Task)
* focus 1..1
* focus only Reference(DocumentReference or Composition)
* for 1..1
* for only Reference(Patient)
* requester 1..1
* owner 1..1

Profile: PYTransportTask
Parent: Task
Id: py-transport-task
Title: "Traslado (Paraguay)"
Description: """El traslado del paciente a la cita de una derivación: `focus` es la cita (Appointment), `partOf` la tarea de derivación (py-referral-task), `owner` quien lo hace (el servicio de ambulancias, la municipalidad, la comunidad) y `restriction.period` cuándo. Sigue la máquina de estados de las Task; si la cita se cancela o el paciente no se presenta, el servidor cancela el traslado que no terminó."""
* insert MetadatosPY
* code 1..1
* code = PYTipoTareaDerivacionCS#traslado
* intent = #order
* focus 1..1
* focus only Reference(Appointment)
* partOf 1..1
* partOf only Reference(Task)
* for 1..1
* for only Reference(Patient)
* requester 1..1

Instance: py-plazo-derivacion
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda de tareas por su plazo"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-plazo-derivacion"
* name = "plazo"
* status = #draft
* description = "Tareas por el fin de su plazo (Task.restriction.period.end): el servidor escala las derivaciones no aceptadas cuyo plazo venció."
* code = #plazo
* base[0] = #Task
* type = #date
* expression = "Task.restriction.period.end"
* xpathUsage = #normal

Instance: practitioner-healer-coverage
InstanceOf: OperationDefinition
Title: "Cobertura de agentes de medicina tradicional (Practitioner/$healer-coverage)"
Description: "Por distrito, cuántos agentes de medicina tradicional registrados de cada especialidad lo atienden (0 donde ninguno), y los lugares que atienden como GeoJSON."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/practitioner-healer-coverage"
* name = "PractitionerHealerCoverage"
* title = "Cobertura de agentes de medicina tradicional (Practitioner/$healer-coverage)"
* description = """Para cada distrito (de un departamento, o de todo el país) y cada especialidad de medicina tradicional (py-especialidad-medicina-tradicional): cuántos agentes distintos lo atienden, es decir, tienen un PractitionerRole con esa especialidad en un lugar (Location) de ese distrito (extensión py-distrito de su dirección); 0 donde ninguno. `uncovered` da, por especialidad, los distritos sin ninguno. `geojson` es una FeatureCollection de puntos: los lugares atendidos (con posición) con sus agentes por especialidad. Lee 20000 roles como máximo (422 too-costly si hay más: acote por departamento o especialidad). Errores: 400 si un parámetro es inválido."""
* affectsState = false
* code = #healer-coverage
* resource = #Practitioner
* system = false
* type = true
* instance = false
* parameter[0].name = #department
* parameter[0].use = #in
* parameter[0].min = 0
* parameter[0].max = "1"
* parameter[0].type = #string
* parameter[0].documentation = "Código DGEEC del departamento (py-departamento): solo sus distritos."
* parameter[1].name = #specialty
* parameter[1].use = #in
* parameter[1].min = 0
* parameter[1].max = "1"
* parameter[1].type = #code
* parameter[1].documentation = "Una especialidad de py-especialidad-medicina-tradicional; todas si falta."
* parameter[2].name = #district
* parameter[2].use = #out
* parameter[2].min = 0
* parameter[2].max = "*"
* parameter[2].documentation = "Una fila por distrito: `district` (Coding), `department`, por especialidad `specialty` (`code`, `healers`), y `covered` (alguna especialidad lo atiende)."
* parameter[2].part[0].name = #district
* parameter[2].part[0].use = #out
* parameter[2].part[0].min = 1
* parameter[2].part[0].max = "1"
* parameter[2].part[0].type = #Coding
* parameter[3].name = #uncovered
* parameter[3].use = #out
* parameter[3].min = 1
* parameter[3].max = "1"
* parameter[3].documentation = "Por especialidad (el nombre de la parte), los códigos de los distritos sin ningún agente, separados por comas."
* parameter[4].name = #geojson
* parameter[4].use = #out
* parameter[4].min = 1
* parameter[4].max = "1"
* parameter[4].type = #Attachment
* parameter[4].documentation = "GeoJSON (application/geo+json, en base64): los lugares atendidos como puntos, con `healers` por especialidad."
