// Una derivación de la USF de Bahía Negra a cardiología del Hospital Regional de Concepción, su tarea y la contrarreferencia.

Instance: derivacion-cardiologia-bahia-negra
InstanceOf: PYReferral
Title: "Derivación a cardiología (USF Bahía Negra → HR Concepción)"
Description: "La USF de Bahía Negra deriva a una paciente con soplo cardíaco al servicio de cardiología del Hospital Regional de Concepción."
Usage: #example
* status = #active
* intent = #order
* category = $sct#3457005 "Patient referral"
* priority = #urgent
* code = $sct#183519002 "Referral to cardiology service"
* subject = Reference(paciente-indigena-boqueron)
* requester = Reference(usf-bahia-negra-org)
* performer = Reference(hr-concepcion-org)
* reasonCode.text = "Soplo cardíaco de reciente aparición"
* authoredOn = "2026-12-07T09:00:00-03:00"

Instance: tarea-derivacion-cardiologia-bahia-negra
InstanceOf: PYReferralTask
Title: "Tarea de la derivación a cardiología (aceptada, cita agendada)"
Description: "El hospital aceptó la derivación; hay una cita reservada."
Usage: #example
* status = #accepted
* businessStatus = PYEstadoDerivacionCS#cita-agendada "Cita agendada"
* intent = #order
* code = PYTipoTareaDerivacionCS#derivacion "Derivación"
* focus = Reference(derivacion-cardiologia-bahia-negra)
* for = Reference(paciente-indigena-boqueron)
* requester = Reference(usf-bahia-negra-org)
* owner = Reference(hr-concepcion-org)
* authoredOn = "2026-12-07T09:00:00-03:00"
* restriction.period.end = "2026-12-08T09:00:00-03:00"

Instance: contrarreferencia-cardiologia-bahia-negra
InstanceOf: PYCounterReferralTask
Title: "Contrarreferencia de cardiología al origen"
Description: "El hospital devuelve el resumen de la consulta de cardiología a la USF de Bahía Negra."
Usage: #example
* status = #requested
* intent = #order
* code = PYTipoTareaDerivacionCS#contrarreferencia "Contrarreferencia"
* partOf = Reference(tarea-derivacion-cardiologia-bahia-negra)
* focus.reference = "DocumentReference/resumen-cardiologia-bahia-negra"
* for = Reference(paciente-indigena-boqueron)
* requester = Reference(hr-concepcion-org)
* owner = Reference(usf-bahia-negra-org)

Instance: traslado-cardiologia-bahia-negra
InstanceOf: PYTransportTask
Title: "Traslado de Bahía Negra a Concepción para la cita de cardiología"
Description: "La USF pide el traslado de la paciente a la cita de la derivación."
Usage: #example
* status = #requested
* intent = #order
* code = PYTipoTareaDerivacionCS#traslado "Traslado"
* focus.reference = "Appointment/cita-cardiologia-interprete"
* partOf = Reference(tarea-derivacion-cardiologia-bahia-negra)
* for = Reference(paciente-indigena-boqueron)
* requester = Reference(usf-bahia-negra-org)
* restriction.period.start = "2026-12-13T14:00:00-03:00"
* restriction.period.end = "2026-12-14T06:30:00-03:00"
