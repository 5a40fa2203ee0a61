// Medicina tradicional: la preferencia de una paciente, su derivación de la USF a un agente de medicina tradicional
// y la ceremonia reservada con $book (la paciente, el agente, la casa ceremonial y su madre).

Instance: paciente-preferencia-tradicional
InstanceOf: PYPatient
Title: "Paciente que quiere atención tradicional y consiente compartir su información"
Description: "Paciente de Mariscal Estigarribia que pidió ser atendida también por agentes de medicina tradicional y consintió compartir con ellos su información clínica (py-preferencia-atencion)."
Usage: #example
* extension[preferenciaAtencion].extension[atencionTradicional].valueBoolean = true
* extension[preferenciaAtencion].extension[compartirConAgentes].valueBoolean = true
* extension[preferenciaAtencion].extension[fechaRegistro].valueDateTime = "2026-11-20T08:30:00-03:00"
* identifier[0].system = "https://fhir.mspbs.gov.py/sid/paciente/16001001"
* identifier[0].type = $v2-0203#MR
* identifier[0].value = "HC-2026-0412"
* name[0].family = "Martínez"
* name[0].given[0] = "Ana"
* gender = #female
* birthDate = "1990-04-02"
* communication[0].language = urn:ietf:bcp:47#gn "Guaraní"
* communication[0].preferred = true

Instance: paciente-rechaza-tradicional
InstanceOf: PYPatient
Title: "Paciente que no quiere atención tradicional"
Description: "El servidor rechaza (422) toda derivación suya a un agente de medicina tradicional o de tipo de atención tradicional o intercultural."
Usage: #example
* extension[preferenciaAtencion].extension[atencionTradicional].valueBoolean = false
* extension[preferenciaAtencion].extension[compartirConAgentes].valueBoolean = false
* extension[preferenciaAtencion].extension[fechaRegistro].valueDateTime = "2026-11-20T09:10:00-03:00"
* identifier[0].system = "https://fhir.mspbs.gov.py/sid/paciente/16001001"
* identifier[0].type = $v2-0203#MR
* identifier[0].value = "HC-2026-0413"
* name[0].family = "Sosa"
* name[0].given[0] = "Carmen"
* gender = #female
* birthDate = "1978-09-15"

Instance: madre-paciente-preferencia-tradicional
InstanceOf: RelatedPerson
Title: "Madre de la paciente (participa de la ceremonia)"
Description: "Familiar que acompaña a la paciente en la ceremonia: participante de la cita."
Usage: #example
* patient = Reference(paciente-preferencia-tradicional)
* relationship = http://terminology.hl7.org/CodeSystem/v3-RoleCode#MTH "mother"
* name[0].family = "Martínez"
* name[0].given[0] = "Rosa"

Instance: casa-ceremonial-mercado-4
InstanceOf: Location
Title: "Casa ceremonial del agente"
Description: "El lugar de las ceremonias: actor de la agenda del agente y participante de cada ceremonia."
Usage: #example
* status = #active
* name = "Casa ceremonial (Mercado 4, Asunción)"
* mode = #instance

Instance: agenda-ceremonias-yuyero
InstanceOf: PYSchedule
Title: "Agenda de ceremonias del agente de medicina tradicional"
Description: "Ceremonias de dos horas los viernes por la tarde en la casa ceremonial; tipo de atención tradicional; servicio `ceremonia` (py-servicio-medicina-tradicional). El servidor genera los turnos; Appointment/$find?care-type=tradicional&service-type=…|ceremonia los ofrece."
Usage: #example
* extension[disponibilidad].extension[inicio].valueTime = "16:00:00"
* extension[disponibilidad].extension[fin].valueTime = "18:00:00"
* extension[disponibilidad].extension[duracionMinutos].valuePositiveInt = 120
* extension[disponibilidad].extension[dia].valueCode = #fri
* extension[tipoAtencion].valueCoding = PYTipoAtencionCS#tradicional "Tradicional"
* extension[idiomaAtencion][0].valueCode = #gn
* extension[idiomaAtencion][1].valueCode = #es
* active = true
* serviceType[0] = PYServicioMedicinaTradicionalCS#ceremonia "Ceremonia"
* actor[0] = Reference(yuyero-dinasapi) "Aurelio Ortiz"
* actor[1] = Reference(casa-ceremonial-mercado-4) "Casa ceremonial"

Instance: turno-ceremonia-20261218-1600
InstanceOf: PYSlot
Title: "Turno de ceremonia del viernes 18 de diciembre de 2026, 16:00"
Description: "Turno generado de la agenda de ceremonias: reservado."
Usage: #example
* extension[cupo].extension[capacidad].valuePositiveInt = 1
* extension[cupo].extension[reservados].valueUnsignedInt = 1
* schedule = Reference(agenda-ceremonias-yuyero)
* serviceType[0] = PYServicioMedicinaTradicionalCS#ceremonia "Ceremonia"
* status = #busy
* start = "2026-12-18T16:00:00-03:00"
* end = "2026-12-18T18:00:00-03:00"

Instance: derivacion-ceremonia-usf
InstanceOf: PYReferral
Title: "Derivación de la USF a un agente de medicina tradicional (con información clínica)"
Description: "La USF deriva a la paciente, que lo pidió, a una ceremonia con el agente; lleva su glucemia (supportingInfo), lo que el servidor admite porque la paciente consintió compartir su información con agentes (compartirConAgentes = true)."
Usage: #example
* extension[tipoAtencion].valueCoding = PYTipoAtencionCS#tradicional "Tradicional"
* status = #active
* intent = #order
* category = $sct#3457005 "Patient referral"
* priority = #routine
* code = PYServicioMedicinaTradicionalCS#ceremonia "Ceremonia"
* subject = Reference(paciente-preferencia-tradicional)
* requester = Reference(usf-bahia-negra-org)
* performer = Reference(yuyero-dinasapi)
* reasonCode.text = "Pedido de la paciente: ceremonia de sanación durante el tratamiento de la diabetes"
* supportingInfo.reference = "Observation/glucemia-paciente-preferencia-tradicional"
* authoredOn = "2026-12-01T10:00:00-03:00"

Instance: tarea-derivacion-ceremonia-usf
InstanceOf: PYReferralTask
Title: "Tarea de la derivación al agente (aceptada, ceremonia agendada)"
Description: "El agente aceptó la derivación; la ceremonia está reservada."
Usage: #example
* status = #accepted
* businessStatus = PYEstadoDerivacionCS#cita-agendada "Cita agendada"
* intent = #order
* code = PYTipoTareaDerivacionCS#derivacion "Derivación"
* focus = Reference(derivacion-ceremonia-usf)
* for = Reference(paciente-preferencia-tradicional)
* requester = Reference(usf-bahia-negra-org)
* owner = Reference(yuyero-dinasapi)
* authoredOn = "2026-12-01T10:00:00-03:00"

Instance: cita-ceremonia-usf
InstanceOf: PYAppointment
Title: "Ceremonia reservada con $book (paciente, agente, lugar y familia)"
Description: "La ceremonia de la derivación: en el turno de la agenda del agente, con la paciente, el agente, la casa ceremonial y la madre de la paciente (RelatedPerson) como participantes."
Usage: #example
* extension[tipoAtencion].valueCoding = PYTipoAtencionCS#tradicional "Tradicional"
* extension[idiomaAtencion].valueCode = #gn
* status = #booked
* serviceType[0] = PYServicioMedicinaTradicionalCS#ceremonia "Ceremonia"
* description = "Ceremonia de sanación"
* basedOn = Reference(derivacion-ceremonia-usf)
* slot[0] = Reference(turno-ceremonia-20261218-1600)
* start = "2026-12-18T16:00:00-03:00"
* end = "2026-12-18T18:00:00-03:00"
* participant[0].actor = Reference(paciente-preferencia-tradicional) "Ana Martínez"
* participant[0].required = #required
* participant[0].status = #accepted
* participant[1].actor = Reference(yuyero-dinasapi) "Aurelio Ortiz"
* participant[1].required = #required
* participant[1].status = #accepted
* participant[2].actor = Reference(casa-ceremonial-mercado-4) "Casa ceremonial"
* participant[2].required = #required
* participant[2].status = #accepted
* participant[3].actor = Reference(madre-paciente-preferencia-tradicional) "Rosa Martínez"
* participant[3].required = #optional
* participant[3].status = #accepted
