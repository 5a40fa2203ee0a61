// Operaciones de turnos: Appointment/$find, $hold y $book (IHE ITI Scheduling, ITI-115/116/117) tal como las implementa
// el servidor (src/scheduling). Ver la página "Turnos" (agenda.md). Hora local: Paraguay, UTC−03:00 todo el año.
// Los parámetros de tipo token se declaran como string con searchType token (forma R4).

RuleSet: MetadatosOperacionPY
* status = #draft
* experimental = false
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* jurisdiction = urn:iso:std:iso:3166#PY "Paraguay"
* kind = #operation
* resource = #Appointment
* system = false
* type = true
* instance = false

RuleSet: ParametroAppointment
* parameter[0].name = #appointment
* parameter[0].use = #in
* parameter[0].min = 0
* parameter[0].max = "1"
* parameter[0].type = #Appointment
* parameter[0].documentation = "La cita (py-appointment) con al menos un turno en `slot` (`Slot/{id}`) y un paciente entre los participantes (`Patient/{id}`). También se acepta con el nombre `appointment-resource` o `appt-resource` (Argonaut), o como cuerpo del POST sin Parameters. Si lleva `start`/`end`, deben coincidir con el inicio del primer turno y el fin del último; si no, el servidor los toma de los turnos. Con `identifier` (system y value), un reintento devuelve la cita ya creada."

Instance: appointment-find
InstanceOf: OperationDefinition
Title: "Buscar turnos libres (Appointment/$find)"
Description: "Turnos libres de las agendas que cumplen los criterios, entre start y end, devueltos como citas propuestas (status proposed, no guardadas), la mejor primero. Basada en IHE ITI-115 (Find Potential Appointments)."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/appointment-find"
* name = "AppointmentFind"
* title = "Buscar turnos libres (Appointment/$find)"
* description = """Busca los turnos (Slot) con status `free` que **empiezan** entre `start` y `end` en las agendas (Schedule) activas que cumplen los criterios, y los devuelve como citas propuestas (Appointment con status `proposed`, no guardadas), cada una con su turno en `slot`, la mejor primero.

Orden: primero los turnos de una agenda que atiende en el idioma del paciente (Patient.communication preferido, o el primero; solo si se indica `patient` y no `language`), luego el inicio más temprano, luego el id del turno (un hash: los turnos que empiezan a la vez se ofrecen en un orden que reparte las reservas entre sus agendas).

Basada en IHE ITI-115 (https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-find). Los errores son OperationOutcome: 400 si falta un parámetro o es inválido, si end no es posterior a start o si el período supera 62 días."""
* affectsState = false
* code = #find
* base = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-find"
* parameter[0].name = #start
* parameter[0].use = #in
* parameter[0].min = 1
* parameter[0].max = "1"
* parameter[0].type = #dateTime
* parameter[0].documentation = "Desde cuándo (incluido). Una fecha sola es la medianoche local (UTC−03:00); una fecha con hora debe llevar zona horaria (Z o ±hh:mm)."
* parameter[1].name = #end
* parameter[1].use = #in
* parameter[1].min = 1
* parameter[1].max = "1"
* parameter[1].type = #dateTime
* parameter[1].documentation = "Hasta cuándo (excluido). Una fecha sola es el fin de ese día (la medianoche local siguiente). Debe ser posterior a start; de start a end, 62 días como máximo."
* parameter[2].name = #service-type
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "1"
* parameter[2].type = #string
* parameter[2].searchType = #token
* parameter[2].documentation = "Tipo de servicio de la agenda (`[system|]code`), como el parámetro de búsqueda service-type de Schedule."
* parameter[3].name = #specialty
* parameter[3].use = #in
* parameter[3].min = 0
* parameter[3].max = "1"
* parameter[3].type = #string
* parameter[3].searchType = #token
* parameter[3].documentation = "Especialidad de la agenda (`[system|]code`), p. ej. `http://snomed.info/sct|394579002` (cardiología)."
* parameter[4].name = #practitioner
* parameter[4].use = #in
* parameter[4].min = 0
* parameter[4].max = "1"
* parameter[4].type = #Reference
* parameter[4].targetProfile = "http://hl7.org/fhir/StructureDefinition/Practitioner"
* parameter[4].documentation = "Profesional que es actor de la agenda: `Practitioner/{id}` o solo el id."
* parameter[5].name = #location
* parameter[5].use = #in
* parameter[5].min = 0
* parameter[5].max = "1"
* parameter[5].type = #Reference
* parameter[5].targetProfile = "http://hl7.org/fhir/StructureDefinition/Location"
* parameter[5].documentation = "Lugar que es actor de la agenda: `Location/{id}` o solo el id."
* parameter[6].name = #patient
* parameter[6].use = #in
* parameter[6].min = 0
* parameter[6].max = "1"
* parameter[6].type = #Reference
* parameter[6].targetProfile = "http://hl7.org/fhir/StructureDefinition/Patient"
* parameter[6].documentation = "Paciente (`Patient/{id}` o solo el id): es el primer participante de cada cita propuesta y, si no se indica `language`, su idioma preferido ordena los resultados (no filtra)."
* parameter[7].name = #language
* parameter[7].use = #in
* parameter[7].min = 0
* parameter[7].max = "1"
* parameter[7].type = #code
* parameter[7].documentation = "Solo agendas que atienden en este idioma (py-idioma-atencion, p. ej. `gn`); se copia a la cita propuesta."
* parameter[8].name = #care-type
* parameter[8].use = #in
* parameter[8].min = 0
* parameter[8].max = "1"
* parameter[8].type = #code
* parameter[8].documentation = "Solo agendas con este tipo de atención (código de py-tipo-atencion: convencional, tradicional, intercultural)."
* parameter[9].name = #visit-mode
* parameter[9].use = #in
* parameter[9].min = 0
* parameter[9].max = "1"
* parameter[9].type = #code
* parameter[9].documentation = "Solo agendas que ofrecen esta modalidad (código de py-modalidad-atencion: presencial, visita-comunitaria, virtual)."
* parameter[10].name = #department
* parameter[10].use = #in
* parameter[10].min = 0
* parameter[10].max = "1"
* parameter[10].type = #string
* parameter[10].searchType = #token
* parameter[10].documentation = "Departamento (código DGEEC de py-departamento, `[system|]code`, p. ej. `11` Central): agendas cuyo actor es un lugar (Location) de ese departamento, o un rol (PractitionerRole) o servicio (HealthcareService) en uno de esos lugares."
* parameter[11].name = #district
* parameter[11].use = #in
* parameter[11].min = 0
* parameter[11].max = "1"
* parameter[11].type = #string
* parameter[11].searchType = #token
* parameter[11].documentation = "Distrito (código DGEEC DDNN de py-distrito, p. ej. `1114` San Lorenzo), como department."
* parameter[12].name = #near
* parameter[12].use = #in
* parameter[12].min = 0
* parameter[12].max = "1"
* parameter[12].type = #string
* parameter[12].searchType = #special
* parameter[12].documentation = "Cerca de una posición: `latitud|longitud|distancia|unidad` (como near de Location; 10 km si falta la distancia), como department. Con department, district y near juntos, el lugar cumple los tres. Más de 2000 lugares, roles y servicios: 400 too-costly."
* parameter[13].name = #_count
* parameter[13].use = #in
* parameter[13].min = 0
* parameter[13].max = "1"
* parameter[13].type = #integer
* parameter[13].documentation = "Cuántas citas propuestas devolver: 10 si falta; se ajusta a 1–100."
* parameter[14].name = #return
* parameter[14].use = #out
* parameter[14].min = 1
* parameter[14].max = "1"
* parameter[14].type = #Bundle
* parameter[14].documentation = "Bundle searchset: citas propuestas (status proposed, sin id, fullUrl urn:uuid), cada una con su turno en `slot`, los actores de la agenda (y el paciente, si se indicó) como participantes, la mejor primero (search.score de 1 hacia 0). `total` es la cantidad devuelta."

Instance: appointment-hold
InstanceOf: OperationDefinition
Title: "Retener un turno (Appointment/$hold)"
Description: "Retención provisoria de uno o más turnos: crea una cita pending que vence a los SCHEDULING_HOLD_SECONDS (600 s por defecto). Basada en IHE ITI-116 (Hold Appointment)."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/appointment-hold"
* name = "AppointmentHold"
* title = "Retener un turno (Appointment/$hold)"
* description = """Crea una cita con status `pending` que ocupa un lugar en cada uno de sus turnos (py-cupo `reservados`), con los participantes `needs-action` o `tentative` en `tentative` y py-retencion-vence = ahora + SCHEDULING_HOLD_SECONDS (600 s por defecto). Si no se confirma con $book antes de ese instante, el servidor la cancela (cancelationReason "hold expired") y libera los turnos.

Basada en IHE ITI-116 (https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-hold). Errores (OperationOutcome): 400 (falta la cita, no es un Appointment, sin turno, sin paciente), 422 (turno inexistente, horas que no coinciden con los turnos), 409 (turno completo o no reservable, participante ocupado, identificador de otra cita)."""
* affectsState = true
* code = #hold
* base = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-hold"
* insert ParametroAppointment
* parameter[1].name = #return
* parameter[1].use = #out
* parameter[1].min = 1
* parameter[1].max = "1"
* parameter[1].type = #Appointment
* parameter[1].documentation = "La cita retenida: status pending, participantes tentative, py-retencion-vence. 201 (con Location) si se creó; 200 si es el reintento de una cita con el mismo identificador."

Instance: appointment-book
InstanceOf: OperationDefinition
Title: "Reservar un turno (Appointment/$book)"
Description: "Reserva uno o más turnos (cita booked), o confirma una retención hecha con $hold. Basada en IHE ITI-117 (Book Appointment)."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/appointment-book"
* name = "AppointmentBook"
* title = "Reservar un turno (Appointment/$book)"
* description = """Reserva la cita en sus turnos de forma atómica: status `booked`, participantes `needs-action` o `tentative` en `accepted`. Si la cita lleva el `id` de una retención ($hold) vigente, esa retención pasa a booked (sin py-retencion-vence).

Basada en IHE ITI-117 (https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-book). Errores (OperationOutcome): 400 (falta la cita, no es un Appointment, sin turno, sin paciente), 422 (turno inexistente, horas que no coinciden con los turnos), 409 (turno completo o no reservable, participante ocupado, retención vencida, la cita no es una retención, identificador de otra cita)."""
* affectsState = true
* code = #book
* base = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-book"
* insert ParametroAppointment
* parameter[0].documentation = "La cita (py-appointment) con al menos un turno en `slot` (`Slot/{id}`) y un paciente entre los participantes (`Patient/{id}`); con el `id` de una retención, confirma esa retención. También se acepta con el nombre `appointment-resource` o `appt-resource` (Argonaut), o como cuerpo del POST sin Parameters. Si lleva `start`/`end`, deben coincidir con el inicio del primer turno y el fin del último. Con `identifier` (system y value), un reintento devuelve la cita ya creada."
* parameter[1].name = #return
* parameter[1].use = #out
* parameter[1].min = 1
* parameter[1].max = "1"
* parameter[1].type = #Appointment
* parameter[1].documentation = "La cita reservada: status booked, participantes accepted. 201 (con Location) si se creó; 200 si se confirmó una retención o es el reintento de una cita con el mismo identificador (o ya reservada en los mismos turnos)."

Instance: appointment-flow
InstanceOf: OperationDefinition
Title: "Flujo de pacientes (Appointment/$flow)"
Description: "La sala de espera y el día de un lugar, profesional o servicio: quién espera ahora y desde cuándo, las citas del día por estado y cuántas se atendieron."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/appointment-flow"
* name = "AppointmentFlow"
* title = "Flujo de pacientes (Appointment/$flow)"
* description = """Para un lugar (`location`), un profesional (`practitioner`) o un tipo de servicio (`service-type`), al menos uno: cada paciente que hizo el check-in y todavía no fue atendido (su Encounter, abierto por el servidor al check-in, sigue en `arrived`), con los minutos desde el check-in, el que más espera primero; las citas del día (`date`, hoy en hora de Paraguay si falta) por estado; y `throughput`, las citas cumplidas (`fulfilled`) del día. Lee 2000 citas del día como máximo. Errores: 400 si no se indica ningún criterio o un parámetro es inválido."""
* affectsState = false
* code = #flow
* parameter[0].name = #location
* parameter[0].use = #in
* parameter[0].min = 0
* parameter[0].max = "1"
* parameter[0].type = #Reference
* parameter[0].targetProfile = "http://hl7.org/fhir/StructureDefinition/Location"
* parameter[0].documentation = "Lugar participante de las citas (`Location/{id}` o el id)."
* parameter[1].name = #practitioner
* parameter[1].use = #in
* parameter[1].min = 0
* parameter[1].max = "1"
* parameter[1].type = #Reference
* parameter[1].targetProfile = "http://hl7.org/fhir/StructureDefinition/Practitioner"
* parameter[1].documentation = "Profesional participante de las citas."
* parameter[2].name = #service-type
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "1"
* parameter[2].type = #string
* parameter[2].searchType = #token
* parameter[2].documentation = "Tipo de servicio de las citas (`[system|]code`)."
* parameter[3].name = #date
* parameter[3].use = #in
* parameter[3].min = 0
* parameter[3].max = "1"
* parameter[3].type = #date
* parameter[3].documentation = "El día (AAAA-MM-DD, hora de Paraguay); hoy si falta."
* parameter[4].name = #date
* parameter[4].use = #out
* parameter[4].min = 1
* parameter[4].max = "1"
* parameter[4].type = #date
* parameter[4].documentation = "El día informado."
* parameter[5].name = #waiting
* parameter[5].use = #out
* parameter[5].min = 0
* parameter[5].max = "*"
* parameter[5].documentation = "Un paciente en espera: partes `appointment`, `encounter`, `patient` (Reference), `since` (instant del check-in) y `minutes` (integer)."
* parameter[6].name = #count
* parameter[6].use = #out
* parameter[6].min = 0
* parameter[6].max = "*"
* parameter[6].documentation = "Citas del día en un estado: partes `status` (code: booked, arrived, checked-in, fulfilled, noshow, cancelled) y `value` (integer)."
* parameter[7].name = #throughput
* parameter[7].use = #out
* parameter[7].min = 1
* parameter[7].max = "1"
* parameter[7].type = #integer
* parameter[7].documentation = "Citas cumplidas (fulfilled) del día."
