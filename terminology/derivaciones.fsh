// Derivaciones y contrarreferencias (ServiceRequest + Task): tipos de tarea y estados de negocio del circuito.
// Códigos propuestos por HMS-OPS (sin fuente oficial del MSPBS todavía).

CodeSystem: PYTipoTareaDerivacionCS
Id: py-tipo-tarea-derivacion
Title: "Tipo de tarea del circuito de derivación"
Description: "Qué pide una Task del circuito de derivación: atender una derivación (referencia), devolver el resultado al origen (contrarreferencia) o trasladar al paciente a la cita. Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-tipo-tarea-derivacion"
* #derivacion "Derivación" "Atender la derivación (ServiceRequest en Task.focus) en el establecimiento o con el agente de destino."
* insert DesignacionesEsEn(derivacion, Derivación, Referral)
* #contrarreferencia "Contrarreferencia" "Recibir en el origen el resultado de una derivación atendida (resumen en Task.focus; la derivación en Task.partOf)."
* insert DesignacionesEsEn(contrarreferencia, Contrarreferencia, Counter-referral)
* #traslado "Traslado" "Llevar al paciente a la cita de la derivación (Task.focus = la cita; Task.partOf = la tarea de derivación): ambulancia, transporte comunitario o pasaje."
* insert DesignacionesEsEn(traslado, Traslado, Transport)

ValueSet: PYTipoTareaDerivacionVS
Id: py-tipo-tarea-derivacion
Title: "Tipo de tarea del circuito de derivación"
Description: "Todos los códigos de py-tipo-tarea-derivacion."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-tipo-tarea-derivacion"
* include codes from system PYTipoTareaDerivacionCS

CodeSystem: PYEstadoDerivacionCS
Id: py-estado-derivacion
Title: "Paso del circuito de derivación"
Description: "Pasos finos de una derivación dentro de su estado (Task.businessStatus). El servidor los escribe cuando la cita de la derivación cambia y cuando llega la contrarreferencia. Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-estado-derivacion"
* #escalada "Escalada" "El destino no la aceptó dentro del plazo (restriction.period.end, o authoredOn más las horas de su prioridad): pasó al coordinador (nuevo owner) con una Communication."
* insert DesignacionesEsEn(escalada, Escalada, Escalated)
* #cita-agendada "Cita agendada" "Hay una cita reservada para la derivación (Appointment.basedOn = la derivación, estado booked)."
* insert DesignacionesEsEn(cita-agendada, Cita agendada, Appointment booked)
* #paciente-presente "Paciente presente" "El paciente llegó a la cita de la derivación (arrived o checked-in)."
* insert DesignacionesEsEn(paciente-presente, Paciente presente, Patient arrived)
* #no-se-presento "No se presentó" "El paciente no se presentó a la cita de la derivación (noshow)."
* insert DesignacionesEsEn(no-se-presento, No se presentó, No-show)
* #cita-cancelada "Cita cancelada" "La cita de la derivación fue cancelada; la derivación espera otra."
* insert DesignacionesEsEn(cita-cancelada, Cita cancelada, Appointment cancelled)
* #contrarreferencia-enviada "Contrarreferencia enviada" "El destino envió la contrarreferencia al origen."
* insert DesignacionesEsEn(contrarreferencia-enviada, Contrarreferencia enviada, Counter-referral sent)
* #ciclo-cerrado "Ciclo cerrado" "El origen recibió la contrarreferencia: la derivación está cerrada."
* insert DesignacionesEsEn(ciclo-cerrado, Ciclo cerrado, Loop closed)

ValueSet: PYEstadoDerivacionVS
Id: py-estado-derivacion
Title: "Paso del circuito de derivación"
Description: "Todos los códigos de py-estado-derivacion."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-estado-derivacion"
* include codes from system PYEstadoDerivacionCS
