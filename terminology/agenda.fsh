// Turnos y agendas (Schedule, Slot, Appointment): modalidad, tipo de atención, causas de no disponibilidad y canales
// de la atención virtual. Códigos propuestos por HMS-OPS (sin fuente oficial del MSPBS todavía).

CodeSystem: PYModalidadAtencionCS
Id: py-modalidad-atencion
Title: "Modalidad de atención"
Description: "Dónde y cómo se presta la atención de una agenda, un turno o una cita: en el establecimiento, en la comunidad o el domicilio (equipo de la USF) o a distancia (telemedicina). Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-modalidad-atencion"
* #presencial "Presencial" "Atención en persona en el establecimiento de salud."
* insert DesignacionesEsEn(presencial, Presencial, In person)
* #visita-comunitaria "Visita comunitaria o domiciliaria" "Visita a la comunidad o al domicilio por el equipo de la Unidad de Salud de la Familia (USF)."
* insert DesignacionesEsEn(visita-comunitaria, Visita comunitaria o domiciliaria, Community or home visit)
* #virtual "Virtual (teleconsulta)" "Teleconsulta: videollamada, teléfono o mensajería (ver la extensión py-servicio-virtual de la cita)."
* insert DesignacionesEsEn(virtual, Virtual (teleconsulta\), Virtual (teleconsultation\))

ValueSet: PYModalidadAtencionVS
Id: py-modalidad-atencion
Title: "Modalidad de atención"
Description: "Todos los códigos de py-modalidad-atencion."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-modalidad-atencion"
* include codes from system PYModalidadAtencionCS

CodeSystem: PYTipoAtencionCS
Id: py-tipo-atencion
Title: "Tipo de atención (convencional, tradicional, intercultural)"
Description: "Sistema de salud desde el que se presta la atención: medicina convencional, medicina tradicional indígena (Ley 5469/2015) o ambas juntas (atención intercultural). Propuesta HMS-OPS, a validar con la DINASAPI."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-tipo-atencion"
* #convencional "Convencional" "Atención por profesionales de la salud de la medicina convencional."
* insert DesignacionesEsEn(convencional, Convencional, Conventional (biomedical\))
* #tradicional "Tradicional" "Atención por un agente de medicina tradicional (perfil py-traditional-healer)."
* insert DesignacionesEsEn(tradicional, Tradicional, Traditional medicine)
* #intercultural "Intercultural" "Atención conjunta de un profesional de la medicina convencional y un agente de medicina tradicional."
* insert DesignacionesEsEn(intercultural, Intercultural, Intercultural (conventional and traditional together\))

ValueSet: PYTipoAtencionVS
Id: py-tipo-atencion
Title: "Tipo de atención"
Description: "Todos los códigos de py-tipo-atencion."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-tipo-atencion"
* include codes from system PYTipoAtencionCS

CodeSystem: PYTipoNoDisponibleCS
Id: py-tipo-no-disponible
Title: "Causa de no disponibilidad de una agenda"
Description: "Por qué una agenda no atiende en un período: feriado, cierre estacional (el puesto no es accesible por lluvias o crecidas), licencia del profesional u otra causa. Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-tipo-no-disponible"
* #feriado "Feriado" "Feriado nacional o día no laborable declarado."
* insert DesignacionesEsEn(feriado, Feriado, Public holiday)
* #cierre-estacional "Cierre estacional" "El establecimiento o el puesto no es accesible: lluvias, crecidas, caminos cortados (ver py-accesibilidad-estacional del lugar)."
* insert DesignacionesEsEn(cierre-estacional, Cierre estacional, Seasonal closure (site unreachable\))
* #licencia "Licencia" "Licencia, vacaciones o capacitación del profesional o del equipo."
* insert DesignacionesEsEn(licencia, Licencia, Leave)
* #otro "Otro" "Otra causa (detallarla en la descripción)."
* insert DesignacionesEsEn(otro, Otro, Other)

ValueSet: PYTipoNoDisponibleVS
Id: py-tipo-no-disponible
Title: "Causa de no disponibilidad"
Description: "Todos los códigos de py-tipo-no-disponible."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-tipo-no-disponible"
* include codes from system PYTipoNoDisponibleCS

CodeSystem: PYCanalVirtualCS
Id: py-canal-virtual
Title: "Canal de la atención virtual"
Description: "Canal por el que se presta una teleconsulta (equivale al tipo de canal de VirtualServiceDetail de FHIR R5). Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-canal-virtual"
* #videollamada "Videollamada" "Videollamada (plataforma de telemedicina, enlace en la dirección del servicio virtual)."
* insert DesignacionesEsEn(videollamada, Videollamada, Video call)
* #telefono "Teléfono" "Llamada telefónica (número en la dirección o en la información del servicio virtual)."
* insert DesignacionesEsEn(telefono, Teléfono, Telephone)
* #mensajeria "Mensajería" "Mensajería instantánea o chat."
* insert DesignacionesEsEn(mensajeria, Mensajería, Instant messaging)

ValueSet: PYCanalVirtualVS
Id: py-canal-virtual
Title: "Canal de la atención virtual"
Description: "Todos los códigos de py-canal-virtual."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-canal-virtual"
* include codes from system PYCanalVirtualCS
