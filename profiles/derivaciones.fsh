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
