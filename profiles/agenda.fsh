// Turnos: agendas (Schedule), turnos (Slot) y citas (Appointment). El servidor genera los Slot de cada agenda a partir
// de sus bloques de disponibilidad (py-disponibilidad), sin los períodos de py-no-disponible, desde hoy hasta hoy + el
// horizonte de planificación (py-horizonte-planificacion), y mantiene el cupo de cada Slot (py-cupo).
// Reglas (ver "Guía para autores"): cada extensión es su propia StructureDefinition; bindings required solo sobre
// ValueSets que se expanden sin servidor de terminología. days-of-week y request-priority son ValueSets del paquete
// base FHIR R4 que incluyen un CodeSystem completo del mismo paquete (sin filtros): se expanden sin conexión.

// ---------------------------------------------------------------------------------------------------------------
// Extensiones de la agenda (Schedule)

Extension: PYDisponibilidad
Id: py-disponibilidad
Title: "Bloque de disponibilidad semanal"
Description: """Bloque semanal de atención de una agenda: días de la semana, hora de inicio y de fin (hora local del establecimiento), duración de cada turno, cupo por turno, sobreturnos permitidos y pausas dentro del bloque. Una agenda puede tener varios bloques (por ejemplo, mañana y tarde, o días distintos con horarios distintos). El servidor genera un Slot por turno: desde el inicio, cada `duracionMinutos` minutos, sin superar el fin y sin solaparse con una pausa."""
Context: Schedule
* insert MetadatosPY
* extension contains inicio 1..1 and fin 1..1 and duracionMinutos 1..1 and dia 1..* and capacidad 0..1 and sobreturnos 0..1 and pausa 0..*
* extension[inicio] ^short = "Hora de inicio del bloque (hora local)"
* extension[inicio].value[x] 1..1
* extension[inicio].value[x] only time
* extension[fin] ^short = "Hora de fin del bloque (hora local; el último turno termina a esta hora o antes)"
* extension[fin].value[x] 1..1
* extension[fin].value[x] only time
* extension[duracionMinutos] ^short = "Duración de cada turno, en minutos"
* extension[duracionMinutos].value[x] 1..1
* extension[duracionMinutos].value[x] only positiveInt
* extension[dia] ^short = "Día de la semana (mon | tue | wed | thu | fri | sat | sun)"
* extension[dia].value[x] 1..1
* extension[dia].value[x] only code
* extension[dia].valueCode from $days-of-week (required)
* extension[capacidad] ^short = "Pacientes por turno (1 si falta)"
* extension[capacidad] ^meaningWhenMissing = "Un paciente por turno."
* extension[capacidad].value[x] 1..1
* extension[capacidad].value[x] only positiveInt
* extension[sobreturnos] ^short = "Reservas adicionales permitidas por encima de la capacidad de cada turno (0 si falta)"
* extension[sobreturnos] ^meaningWhenMissing = "Sin sobreturnos (0)."
* extension[sobreturnos].value[x] 1..1
* extension[sobreturnos].value[x] only unsignedInt
* extension[pausa] ^short = "Pausa dentro del bloque (sin turnos)"
* extension[pausa].extension contains inicio 1..1 and fin 1..1
* extension[pausa].extension[inicio] ^short = "Hora de inicio de la pausa"
* extension[pausa].extension[inicio].value[x] 1..1
* extension[pausa].extension[inicio].value[x] only time
* extension[pausa].extension[fin] ^short = "Hora de fin de la pausa"
* extension[pausa].extension[fin].value[x] 1..1
* extension[pausa].extension[fin].value[x] only time
* extension[pausa] obeys py-pausa-1
* obeys py-disp-1 and py-disp-2

Invariant: py-disp-1
Description: "La hora de inicio del bloque es anterior a la hora de fin."
Expression: "(extension.where(url = 'inicio').value.exists() and extension.where(url = 'fin').value.exists()) implies extension.where(url = 'inicio').value < extension.where(url = 'fin').value"
Severity: #error

Invariant: py-disp-2
Description: "Cada pausa queda dentro del bloque (entre su inicio y su fin)."
Expression: "extension.where(url = 'pausa').all(extension.where(url = 'inicio').value >= %context.extension.where(url = 'inicio').value and extension.where(url = 'fin').value <= %context.extension.where(url = 'fin').value)"
Severity: #error

Invariant: py-pausa-1
Description: "La hora de inicio de la pausa es anterior a la hora de fin."
Expression: "(extension.where(url = 'inicio').value.exists() and extension.where(url = 'fin').value.exists()) implies extension.where(url = 'inicio').value < extension.where(url = 'fin').value"
Severity: #error

Extension: PYNoDisponible
Id: py-no-disponible
Title: "Período no disponible"
Description: "Período en que la agenda no atiende (feriado, cierre estacional del puesto por lluvias o crecidas, licencia …): el servidor no genera turnos que se solapen con él. Inicio y fin obligatorios."
Context: Schedule
* insert MetadatosPY
* extension contains periodo 1..1 and tipo 1..1 and descripcion 0..1
* extension[periodo] ^short = "Período sin atención (inicio y fin obligatorios)"
* extension[periodo].value[x] 1..1
* extension[periodo].value[x] only Period
* extension[periodo].valuePeriod.start 1..1
* extension[periodo].valuePeriod.end 1..1
* extension[tipo] ^short = "Causa (py-tipo-no-disponible)"
* extension[tipo].value[x] 1..1
* extension[tipo].value[x] only Coding
* extension[tipo].valueCoding from PYTipoNoDisponibleVS (required)
* extension[tipo].valueCoding.system 1..1
* extension[tipo].valueCoding.code 1..1
* extension[descripcion] ^short = "Descripción (p. ej. el nombre del feriado o la causa del cierre)"
* extension[descripcion].value[x] 1..1
* extension[descripcion].value[x] only string

Extension: PYHorizontePlanificacion
Id: py-horizonte-planificacion
Title: "Horizonte de planificación (días)"
Description: "Horizonte móvil de planificación de la agenda, en días: el servidor mantiene generados los turnos desde hoy hasta hoy + N días (30 si falta). A diferencia de Schedule.planningHorizon (período fijo de vigencia de la agenda), este horizonte avanza con la fecha."
Context: Schedule
* insert MetadatosPY
* . ^meaningWhenMissing = "30 días."
* value[x] 1..1
* value[x] only positiveInt

// ---------------------------------------------------------------------------------------------------------------
// Extensiones del turno (Slot)

Extension: PYCupo
Id: py-cupo
Title: "Cupo del turno"
Description: "Cupo de un turno: capacidad (pacientes), sobreturnos permitidos y cuántas citas lo retienen o lo reservan (el servidor mantiene `reservados`). Con reservados ≥ capacidad el turno figura como ocupado (Slot.status = busy), pero todavía admite sobreturnos mientras reservados < capacidad + sobreturnos."
Context: Slot
* insert MetadatosPY
* extension contains capacidad 1..1 and sobreturnos 0..1 and reservados 0..1
* extension[capacidad] ^short = "Pacientes por turno"
* extension[capacidad].value[x] 1..1
* extension[capacidad].value[x] only positiveInt
* extension[sobreturnos] ^short = "Reservas adicionales permitidas por encima de la capacidad (0 si falta)"
* extension[sobreturnos] ^meaningWhenMissing = "Sin sobreturnos (0)."
* extension[sobreturnos].value[x] 1..1
* extension[sobreturnos].value[x] only unsignedInt
* extension[reservados] ^short = "Citas que retienen (pending) o reservan el turno; lo mantiene el servidor (0 si falta)"
* extension[reservados] ^meaningWhenMissing = "Ninguna cita (0)."
* extension[reservados].value[x] 1..1
* extension[reservados].value[x] only unsignedInt

// ---------------------------------------------------------------------------------------------------------------
// Extensiones compartidas (Schedule, Slot, Appointment, HealthcareService)

Extension: PYModalidadAtencion
Id: py-modalidad-atencion
Title: "Modalidad de atención"
Description: "Modalidad de la atención (py-modalidad-atencion): presencial, visita comunitaria o domiciliaria del equipo de la USF, o virtual. En la agenda y en el turno, las modalidades que se ofrecen (0..*); en la cita, la modalidad acordada (0..1)."
Context: Schedule, Slot, Appointment
* insert MetadatosPY
* value[x] 1..1
* value[x] only Coding
* valueCoding from PYModalidadAtencionVS (required)
* valueCoding.system 1..1
* valueCoding.code 1..1

Extension: PYTipoAtencion
Id: py-tipo-atencion
Title: "Tipo de atención"
Description: "Tipo de atención (py-tipo-atencion): convencional, tradicional (por un agente de medicina tradicional) o intercultural (ambas juntas)."
Context: Schedule, Appointment, HealthcareService, CarePlan.activity, ServiceRequest
* insert MetadatosPY
* value[x] 1..1
* value[x] only Coding
* valueCoding from PYTipoAtencionVS (required)
* valueCoding.system 1..1
* valueCoding.code 1..1

Extension: PYIdiomaAtencion
Id: py-idioma-atencion
Title: "Idioma de atención"
Description: "Idioma (BCP 47, py-idioma). En la agenda: los idiomas en que se ofrece la atención. En la cita: el idioma que necesita el paciente."
Context: Schedule, Appointment
* insert MetadatosPY
* value[x] 1..1
* value[x] only code
* valueCode from PYIdiomaVS (required)

// ---------------------------------------------------------------------------------------------------------------
// Extensiones de la cita (Appointment)

Extension: PYRequiereInterprete
Id: py-requiere-interprete
Title: "Requiere intérprete"
Description: "Si el paciente necesita un intérprete para la cita (p. ej. guaraní o una lengua indígena ↔ castellano). El intérprete asignado es un participante de la cita (ver el perfil py-appointment)."
Context: Appointment
* insert MetadatosPY
* value[x] 1..1
* value[x] only boolean

Extension: PYServicioVirtual
Id: py-servicio-virtual
Title: "Servicio virtual (teleconsulta)"
Description: "Cómo conectarse a una cita virtual. Equivale a Appointment.virtualService (VirtualServiceDetail) de FHIR R5: canal (channelType), dirección (address), información adicional (additionalInfo) y clave de la sesión (sessionKey)."
Context: Appointment
* insert MetadatosPY
* extension contains canal 1..1 and direccion 0..1 and informacion 0..1 and clave 0..1
* extension[canal] ^short = "Canal (py-canal-virtual): videollamada, teléfono o mensajería"
* extension[canal].value[x] 1..1
* extension[canal].value[x] only Coding
* extension[canal].valueCoding from PYCanalVirtualVS (required)
* extension[canal].valueCoding.system 1..1
* extension[canal].valueCoding.code 1..1
* extension[direccion] ^short = "Dirección para conectarse (enlace de la videollamada, tel: …)"
* extension[direccion].value[x] 1..1
* extension[direccion].value[x] only url
* extension[informacion] ^short = "Información adicional para conectarse"
* extension[informacion].value[x] 1..1
* extension[informacion].value[x] only string
* extension[clave] ^short = "Clave de la sesión (código de acceso a la sala)"
* extension[clave].value[x] 1..1
* extension[clave].value[x] only string

Extension: PYRetencionVence
Id: py-retencion-vence
Title: "Vencimiento de la retención"
Description: "Cuándo vence la retención provisoria de un turno (operación $hold, cita en estado pending): si la cita no se confirma antes, el servidor la cancela y libera el cupo del turno."
Context: Appointment
* insert MetadatosPY
* value[x] 1..1
* value[x] only instant

Extension: PYUrgenciaClinica
Id: py-urgencia-clinica
Title: "Urgencia clínica"
Description: "Urgencia clínica de la solicitud (request-priority: routine | urgent | asap | stat), para ordenar la lista de espera junto con Appointment.priority."
Context: Appointment
* insert MetadatosPY
* value[x] 1..1
* value[x] only code
* valueCode from $request-priority (required)

// ---------------------------------------------------------------------------------------------------------------
// Perfiles

Profile: PYSchedule
Parent: Schedule
Id: py-schedule
Title: "Agenda (Paraguay)"
Description: """Agenda de un profesional, un agente de medicina tradicional (Practitioner con el perfil py-traditional-healer), un equipo de USF, un lugar, un servicio o un equipo: bloques semanales de disponibilidad, períodos sin atención (feriados, cierres estacionales, licencias), horizonte móvil de planificación, modalidades, tipo de atención e idiomas en que se atiende. El servidor genera los turnos (py-slot) a partir de los bloques."""
* insert MetadatosPY
* extension contains PYDisponibilidad named disponibilidad 0..* and PYNoDisponible named noDisponible 0..* and PYHorizontePlanificacion named horizontePlanificacion 0..1 and PYModalidadAtencion named modalidadAtencion 0..* and PYTipoAtencion named tipoAtencion 0..1 and PYIdiomaAtencion named idiomaAtencion 0..*
* extension[disponibilidad] ^short = "Bloque semanal de atención"
* extension[noDisponible] ^short = "Período sin atención"
* extension[horizontePlanificacion] ^short = "Horizonte móvil de planificación en días (30 si falta)"
* extension[modalidadAtencion] ^short = "Modalidades que se ofrecen"
* extension[tipoAtencion] ^short = "Tipo de atención (convencional, tradicional, intercultural)"
* extension[idiomaAtencion] ^short = "Idiomas en que se atiende"
* actor 1..*
* actor only Reference(Practitioner or PractitionerRole or Location or HealthcareService or Device)
* actor ^short = "Profesional o agente de medicina tradicional, rol, lugar, servicio o equipo"
* serviceType MS
* specialty MS

Profile: PYSlot
Parent: Slot
Id: py-slot
Title: "Turno (Paraguay)"
Description: "Turno de una agenda, generado por el servidor a partir de los bloques py-disponibilidad de la agenda: inicio y fin, cupo (capacidad, sobreturnos y reservados) y modalidades. La referencia a la agenda admite cualquier Schedule (normalmente una py-schedule) para no exigir la resolución de la agenda al validar cada turno."
* insert MetadatosPY
* extension contains PYCupo named cupo 0..1 and PYModalidadAtencion named modalidadAtencion 0..*
* extension[cupo] ^short = "Cupo: capacidad, sobreturnos y reservados"
* extension[modalidadAtencion] ^short = "Modalidades que se ofrecen en el turno"
* schedule only Reference(Schedule)
* start 1..1
* end 1..1
* obeys py-turno-1

Invariant: py-turno-1
Description: "El inicio del turno es anterior a su fin."
Expression: "(start.exists() and end.exists()) implies start < end"
Severity: #error

Profile: PYAppointment
Parent: Appointment
Id: py-appointment
Title: "Cita (Paraguay)"
Description: """Cita en un turno de una agenda py-schedule, con la modalidad (si es virtual, los datos de conexión en py-servicio-virtual), el tipo de atención, el idioma que necesita el paciente y si requiere intérprete.

- **Intérprete**: el intérprete asignado es un participante de la cita con `type` = `http://terminology.hl7.org/CodeSystem/participant-type#translator` (código del ValueSet `encounter-participant-type` que enlaza Appointment.participant.type en R4; `v3-ParticipationType#INTP` no está en ese ValueSet). La necesidad se marca con py-requiere-interprete y el idioma con py-idioma-atencion.
- **Retención ($hold)**: una retención provisoria de un turno es una cita con `status` = `pending` y py-retencion-vence; si no se confirma antes de ese instante, el servidor la cancela y libera el cupo.
- **Lista de espera**: una entrada de la lista de espera es una cita con `status` = `waitlist`, con `priority` y py-urgencia-clinica para ordenarla."""
* insert MetadatosPY
* extension contains PYModalidadAtencion named modalidadAtencion 0..1 and PYTipoAtencion named tipoAtencion 0..1 and PYIdiomaAtencion named idiomaAtencion 0..1 and PYRequiereInterprete named requiereInterprete 0..1 and PYServicioVirtual named servicioVirtual 0..1 and PYRetencionVence named retencionVence 0..1 and PYUrgenciaClinica named urgenciaClinica 0..1
* extension[modalidadAtencion] ^short = "Modalidad acordada (si es virtual, py-servicio-virtual es obligatoria)"
* extension[tipoAtencion] ^short = "Tipo de atención"
* extension[idiomaAtencion] ^short = "Idioma que necesita el paciente"
* extension[requiereInterprete] ^short = "El paciente necesita intérprete"
* extension[servicioVirtual] ^short = "Datos de conexión de la teleconsulta"
* extension[retencionVence] ^short = "Vencimiento de la retención provisoria (status = pending)"
* extension[urgenciaClinica] ^short = "Urgencia clínica (lista de espera)"
* participant.type ^short = "Rol del participante (intérprete: participant-type#translator)"
* obeys py-cita-1 and py-cita-2 and py-cita-3

Invariant: py-cita-1
Description: "Si la cita tiene inicio y fin, el fin no es anterior al inicio."
Expression: "(start.exists() and end.exists()) implies end >= start"
Severity: #error

Invariant: py-cita-2
Description: "Una cita virtual (py-modalidad-atencion = virtual) lleva los datos de conexión (py-servicio-virtual)."
Expression: "extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-modalidad-atencion').value.where(system = 'https://fhir.mspbs.gov.py/CodeSystem/py-modalidad-atencion' and code = 'virtual').exists() implies extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-servicio-virtual').exists()"
Severity: #error

Invariant: py-cita-3
Description: "El vencimiento de la retención (py-retencion-vence) corresponde a una cita retenida (status = pending)."
Expression: "extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-retencion-vence').exists() implies status = 'pending'"
Severity: #warning

// ---------------------------------------------------------------------------------------------------------------
// Parámetros de búsqueda de la agenda

Instance: py-idioma-atencion
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda de agendas por idioma de atención"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-idioma-atencion"
* name = "idioma-atencion"
* status = #draft
* description = "Agendas por idioma en que se atiende (extensión py-idioma-atencion): es, gn, …"
* code = #idioma-atencion
* base[0] = #Schedule
* type = #token
* expression = "Schedule.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-idioma-atencion').value"
* xpathUsage = #normal

Instance: py-tipo-atencion
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda de agendas por tipo de atención"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-tipo-atencion"
* name = "tipo-atencion"
* status = #draft
* description = "Agendas por tipo de atención (extensión py-tipo-atencion): convencional, tradicional, intercultural"
* code = #tipo-atencion
* base[0] = #Schedule
* type = #token
* expression = "Schedule.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-tipo-atencion').value"
* xpathUsage = #normal

Instance: py-modalidad-atencion
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda de agendas y turnos por modalidad"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-modalidad-atencion"
* name = "modalidad-atencion"
* status = #draft
* description = "Agendas y turnos por modalidad de atención (extensión py-modalidad-atencion): presencial, visita-comunitaria, virtual"
* code = #modalidad-atencion
* base[0] = #Schedule
* base[1] = #Slot
* type = #token
* expression = "Schedule.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-modalidad-atencion').value | Slot.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-modalidad-atencion').value"
* xpathUsage = #normal

Instance: py-retencion-vence
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda de citas por vencimiento de la reserva provisoria"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-retencion-vence"
* name = "retencion-vence"
* status = #draft
* description = "Citas en reserva provisoria ($hold) por el instante en que vence (extensión py-retencion-vence)"
* code = #retencion-vence
* base[0] = #Appointment
* type = #date
* expression = "Appointment.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-retencion-vence').value"
* xpathUsage = #normal
