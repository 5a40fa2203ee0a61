// Turnos: agendas (py-schedule), un turno (py-slot) y citas (py-appointment). Hora de Paraguay: UTC−03:00 todo el año.

// ---------------------------------------------------------------------------------------------------------------
// Hospital regional y cardiólogo (no había ejemplos de un hospital regional ni de un especialista)

Instance: hr-concepcion-org
InstanceOf: PYOrganization
Title: "Hospital Regional de Concepción (organización)"
Description: "Hospital regional del MSPBS, segundo nivel, I Región Sanitaria (Concepción)."
Usage: #example
* extension[subsector].valueCoding = PYSubsectorCS#mspbs "Ministerio de Salud Pública y Bienestar Social"
* extension[regionSanitaria].valueCoding = PYRegionSanitariaCS#1 "I Región Sanitaria – Concepción"
* extension[nivelAtencion].valueCoding = PYNivelAtencionCS#2 "Segundo nivel de atención (mediana complejidad)"
* name = "Hospital Regional de Concepción"
* active = true

Instance: hr-concepcion
InstanceOf: PYLocation
Title: "Hospital Regional de Concepción (lugar)"
Description: "Lugar del Hospital Regional de Concepción."
Usage: #example
* extension[tipoEstablecimiento].valueCoding = PYTipoEstablecimientoCS#HR "Hospital Regional"
* extension[nivelAtencion].valueCoding = PYNivelAtencionCS#2 "Segundo nivel de atención (mediana complejidad)"
* extension[regionSanitaria].valueCoding = PYRegionSanitariaCS#1 "I Región Sanitaria – Concepción"
* status = #active
* name = "HR - Concepción"
* type[0] = $v3-RoleCode#GACH "Hospitals; General Acute Care Hospital"
* address.city = "Concepción"
* address.extension[departamento].valueCoding = PYDepartamentoCS#1 "Concepción"
* address.extension[distrito].valueCoding = PYDistritoCS#101 "CONCEPCION"
* position.latitude = -23.4064
* position.longitude = -57.4344
* managingOrganization = Reference(hr-concepcion-org)

Instance: cardiologo-hr-concepcion
InstanceOf: PYPractitioner
Title: "Cardiólogo del Hospital Regional de Concepción"
Description: "Médico cardiólogo; atiende en castellano (la agenda ofrece el guaraní con el intérprete del hospital)."
Usage: #example
* identifier[registroProfesional].value = "23456"
* name[0].family = "Giménez"
* name[0].given[0] = "Óscar"
* gender = #male
* qualification[0].code = PYProfesionSaludCS#medicina "Médico/a"
* qualification[0].issuer.display = "Universidad Nacional de Asunción"
* communication[0] = urn:ietf:bcp:47#es "Español"

// ---------------------------------------------------------------------------------------------------------------
// Agendas

Instance: agenda-cardiologia-hr-concepcion
InstanceOf: PYSchedule
Title: "Agenda de cardiología (HR Concepción)"
Description: "Lunes a viernes de 07:00 a 13:00, turnos de 20 minutos para un paciente y un sobreturno, pausa de 10:00 a 10:20; sin atención el 8 de diciembre (Virgen de Caacupé); presencial y virtual; en castellano y guaraní."
Usage: #example
* extension[disponibilidad].extension[inicio].valueTime = "07:00:00"
* extension[disponibilidad].extension[fin].valueTime = "13:00:00"
* extension[disponibilidad].extension[duracionMinutos].valuePositiveInt = 20
* extension[disponibilidad].extension[dia][0].valueCode = #mon
* extension[disponibilidad].extension[dia][1].valueCode = #tue
* extension[disponibilidad].extension[dia][2].valueCode = #wed
* extension[disponibilidad].extension[dia][3].valueCode = #thu
* extension[disponibilidad].extension[dia][4].valueCode = #fri
* extension[disponibilidad].extension[capacidad].valuePositiveInt = 1
* extension[disponibilidad].extension[sobreturnos].valueUnsignedInt = 1
* extension[disponibilidad].extension[pausa].extension[inicio].valueTime = "10:00:00"
* extension[disponibilidad].extension[pausa].extension[fin].valueTime = "10:20:00"
* extension[noDisponible].extension[periodo].valuePeriod.start = "2026-12-08"
* extension[noDisponible].extension[periodo].valuePeriod.end = "2026-12-08"
* extension[noDisponible].extension[tipo].valueCoding = PYTipoNoDisponibleCS#feriado "Feriado"
* extension[noDisponible].extension[descripcion].valueString = "Día de la Virgen de Caacupé"
* extension[horizontePlanificacion].valuePositiveInt = 30
* extension[modalidadAtencion][0].valueCoding = PYModalidadAtencionCS#presencial "Presencial"
* extension[modalidadAtencion][1].valueCoding = PYModalidadAtencionCS#virtual "Virtual (teleconsulta)"
* extension[tipoAtencion].valueCoding = PYTipoAtencionCS#convencional "Convencional"
* extension[idiomaAtencion][0].valueCode = #es
* extension[idiomaAtencion][1].valueCode = #gn
* active = true
* serviceType[0].text = "Consulta de cardiología"
* specialty[0] = $sct#394579002 "Cardiology"
* actor[0] = Reference(cardiologo-hr-concepcion) "Dr. Óscar Giménez"
* actor[1] = Reference(hr-concepcion) "HR - Concepción"
* comment = "Consultorio 4, planta baja."

Instance: agenda-usf-bahia-negra-visitas
InstanceOf: PYSchedule
Title: "Agenda de visitas comunitarias de la USF Bahía Negra (Chaco)"
Description: "Visitas del equipo de la USF a las comunidades los martes y jueves; cerrada del 1 de febrero al 31 de marzo de 2027 por la crecida del río."
Usage: #example
* extension[disponibilidad].extension[inicio].valueTime = "07:00:00"
* extension[disponibilidad].extension[fin].valueTime = "15:00:00"
* extension[disponibilidad].extension[duracionMinutos].valuePositiveInt = 60
* extension[disponibilidad].extension[dia][0].valueCode = #tue
* extension[disponibilidad].extension[dia][1].valueCode = #thu
* extension[disponibilidad].extension[capacidad].valuePositiveInt = 4
* extension[disponibilidad].extension[pausa].extension[inicio].valueTime = "11:30:00"
* extension[disponibilidad].extension[pausa].extension[fin].valueTime = "12:30:00"
* extension[noDisponible].extension[periodo].valuePeriod.start = "2027-02-01"
* extension[noDisponible].extension[periodo].valuePeriod.end = "2027-03-31"
* extension[noDisponible].extension[tipo].valueCoding = PYTipoNoDisponibleCS#cierre-estacional "Cierre estacional"
* extension[noDisponible].extension[descripcion].valueString = "Crecida del río Paraguay: caminos a las comunidades cortados"
* extension[horizontePlanificacion].valuePositiveInt = 60
* extension[modalidadAtencion].valueCoding = PYModalidadAtencionCS#visita-comunitaria "Visita comunitaria o domiciliaria"
* extension[tipoAtencion].valueCoding = PYTipoAtencionCS#convencional "Convencional"
* extension[idiomaAtencion][0].valueCode = #es
* extension[idiomaAtencion][1].valueCode = #gn
* active = true
* serviceType[0].text = "Visita comunitaria del equipo de salud de la familia"
* actor[0] = Reference(usf-bahia-negra) "USF Bahía Negra"

Instance: agenda-partera-mbya
InstanceOf: PYSchedule
Title: "Agenda de la partera tradicional mbyá"
Description: "Atención tradicional en guaraní los sábados por la mañana, turnos de una hora; visitas a la comunidad."
Usage: #example
* extension[disponibilidad].extension[inicio].valueTime = "08:00:00"
* extension[disponibilidad].extension[fin].valueTime = "12:00:00"
* extension[disponibilidad].extension[duracionMinutos].valuePositiveInt = 60
* extension[disponibilidad].extension[dia].valueCode = #sat
* extension[modalidadAtencion].valueCoding = PYModalidadAtencionCS#visita-comunitaria "Visita comunitaria o domiciliaria"
* extension[tipoAtencion].valueCoding = PYTipoAtencionCS#tradicional "Tradicional"
* extension[idiomaAtencion][0].valueCode = #gn
* extension[idiomaAtencion][1].valueCode = #gun
* active = true
* serviceType[0].text = "Acompañamiento del embarazo y del parto (medicina tradicional)"
* actor[0] = Reference(partera-mbya) "Ña Ramona Benítez"

Instance: agenda-interconsultas-cardiologia
InstanceOf: PYSchedule
Title: "Agenda de interconsultas de cardiología (HR Concepción)"
Description: "Agenda sin disponibilidad (py-disponibilidad): el servicio carga cada turno a mano (por ejemplo, las interconsultas que se acuerdan día a día). Sus turnos los escribe el cliente; los de una agenda con disponibilidad los genera el servidor."
Usage: #example
* extension[modalidadAtencion][0].valueCoding = PYModalidadAtencionCS#presencial "Presencial"
* extension[modalidadAtencion][1].valueCoding = PYModalidadAtencionCS#virtual "Virtual (teleconsulta)"
* extension[tipoAtencion].valueCoding = PYTipoAtencionCS#convencional "Convencional"
* extension[idiomaAtencion][0].valueCode = #es
* extension[idiomaAtencion][1].valueCode = #gn
* active = true
* serviceType[0].text = "Interconsulta de cardiología"
* specialty[0] = $sct#394579002 "Cardiology"
* actor[0] = Reference(cardiologo-hr-concepcion) "Dr. Óscar Giménez"
* actor[1] = Reference(hr-concepcion) "HR - Concepción"

// ---------------------------------------------------------------------------------------------------------------
// Turno y citas

Instance: turno-cardiologia-20261214-0700
InstanceOf: PYSlot
Title: "Turno de cardiología del lunes 14 de diciembre de 2026, 07:00"
Description: "Turno de 20 minutos de la agenda de interconsultas de cardiología (cargado por el servicio): capacidad 1, un sobreturno, una cita reservada (ocupado; admite todavía un sobreturno)."
Usage: #example
* extension[cupo].extension[capacidad].valuePositiveInt = 1
* extension[cupo].extension[sobreturnos].valueUnsignedInt = 1
* extension[cupo].extension[reservados].valueUnsignedInt = 1
* extension[modalidadAtencion][0].valueCoding = PYModalidadAtencionCS#presencial "Presencial"
* extension[modalidadAtencion][1].valueCoding = PYModalidadAtencionCS#virtual "Virtual (teleconsulta)"
* schedule = Reference(agenda-interconsultas-cardiologia)
* status = #busy
* start = "2026-12-14T07:00:00-03:00"
* end = "2026-12-14T07:20:00-03:00"

Instance: cita-cardiologia-interprete
InstanceOf: PYAppointment
Title: "Cita de cardiología con intérprete de guaraní"
Description: "Cita reservada en el turno de las 07:00 para una paciente que prefiere el guaraní, con el intérprete del hospital como participante (participant-type#translator)."
Usage: #example
* extension[modalidadAtencion].valueCoding = PYModalidadAtencionCS#presencial "Presencial"
* extension[tipoAtencion].valueCoding = PYTipoAtencionCS#convencional "Convencional"
* extension[idiomaAtencion].valueCode = #gn
* extension[requiereInterprete].valueBoolean = true
* status = #booked
* serviceType[0].text = "Consulta de cardiología"
* specialty[0] = $sct#394579002 "Cardiology"
* description = "Control cardiológico"
* slot[0] = Reference(turno-cardiologia-20261214-0700)
* start = "2026-12-14T07:00:00-03:00"
* end = "2026-12-14T07:20:00-03:00"
* minutesDuration = 20
* created = "2026-12-01T09:15:00-03:00"
* participant[0].actor = Reference(paciente-asuncion) "María Benítez"
* participant[0].required = #required
* participant[0].status = #accepted
* participant[1].actor = Reference(cardiologo-hr-concepcion) "Dr. Óscar Giménez"
* participant[1].required = #required
* participant[1].status = #accepted
* participant[2].type[0] = $participant-type#translator "Translator"
* participant[2].actor.display = "Intérprete de guaraní del HR Concepción"
* participant[2].required = #required
* participant[2].status = #accepted
* participant[3].actor = Reference(hr-concepcion) "HR - Concepción"
* participant[3].required = #information-only
* participant[3].status = #accepted

Instance: cita-cardiologia-virtual
InstanceOf: PYAppointment
Title: "Teleconsulta de cardiología (videollamada)"
Description: "Cita virtual de control, con los datos de conexión en py-servicio-virtual."
Usage: #example
* extension[modalidadAtencion].valueCoding = PYModalidadAtencionCS#virtual "Virtual (teleconsulta)"
* extension[tipoAtencion].valueCoding = PYTipoAtencionCS#convencional "Convencional"
* extension[idiomaAtencion].valueCode = #es
* extension[servicioVirtual].extension[canal].valueCoding = PYCanalVirtualCS#videollamada "Videollamada"
* extension[servicioVirtual].extension[direccion].valueUrl = "https://telemedicina.example.org/sala/hrc-cardiologia-20261214-0800"
* extension[servicioVirtual].extension[informacion].valueString = "Si se corta la videollamada, el consultorio llama al teléfono registrado de la paciente."
* extension[servicioVirtual].extension[clave].valueString = "483920"
* status = #booked
* serviceType[0].text = "Consulta de cardiología"
* specialty[0] = $sct#394579002 "Cardiology"
* description = "Control de resultados por teleconsulta"
* start = "2026-12-14T08:00:00-03:00"
* end = "2026-12-14T08:20:00-03:00"
* minutesDuration = 20
* participant[0].actor = Reference(paciente-frontera-argentina) "Rosa González"
* participant[0].required = #required
* participant[0].status = #accepted
* participant[1].actor = Reference(cardiologo-hr-concepcion) "Dr. Óscar Giménez"
* participant[1].required = #required
* participant[1].status = #accepted

Instance: cita-cardiologia-retencion
InstanceOf: PYAppointment
Title: "Retención provisoria de un turno de cardiología ($hold)"
Description: "Cita pending que retiene el turno hasta py-retencion-vence; si no se confirma antes, el servidor la cancela y libera el cupo."
Usage: #example
* extension[modalidadAtencion].valueCoding = PYModalidadAtencionCS#presencial "Presencial"
* extension[retencionVence].valueInstant = "2026-12-07T10:15:00-03:00"
* status = #pending
* specialty[0] = $sct#394579002 "Cardiology"
* start = "2026-12-14T07:20:00-03:00"
* end = "2026-12-14T07:40:00-03:00"
* created = "2026-12-07T10:00:00-03:00"
* participant[0].actor = Reference(paciente-frontera-brasil) "João Souza"
* participant[0].required = #required
* participant[0].status = #tentative
* participant[1].actor = Reference(cardiologo-hr-concepcion) "Dr. Óscar Giménez"
* participant[1].required = #required
* participant[1].status = #needs-action

Instance: cita-cardiologia-lista-espera
InstanceOf: PYAppointment
Title: "Lista de espera de cardiología (urgente)"
Description: "Entrada de la lista de espera: status waitlist, sin turno todavía, con prioridad, urgencia clínica y el período en que el paciente puede venir."
Usage: #example
* extension[modalidadAtencion].valueCoding = PYModalidadAtencionCS#presencial "Presencial"
* extension[idiomaAtencion].valueCode = #cag
* extension[requiereInterprete].valueBoolean = true
* extension[urgenciaClinica].valueCode = #urgent
* status = #waitlist
* priority = 2
* specialty[0] = $sct#394579002 "Cardiology"
* description = "Soplo cardíaco a estudiar; derivado por la USF"
* created = "2026-12-04T11:30:00-03:00"
* requestedPeriod[0].start = "2026-12-09"
* requestedPeriod[0].end = "2027-01-31"
* participant[0].actor = Reference(paciente-indigena-boqueron) "Ernesto Ramírez"
* participant[0].required = #required
* participant[0].status = #needs-action
