// Servicios de medicina tradicional que se agendan: la ceremonia (con la persona, el agente, el lugar y la familia)
// y la consulta con un agente. Códigos propuestos por HMS-OPS, a validar con la DINASAPI y las comunidades.

CodeSystem: PYServicioMedicinaTradicionalCS
Id: py-servicio-medicina-tradicional
Title: "Servicios de medicina tradicional"
Description: "Qué se agenda con un agente de medicina tradicional (Schedule.serviceType, Slot.serviceType y Appointment.serviceType): una ceremonia o una consulta. Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-servicio-medicina-tradicional"
* #ceremonia "Ceremonia" "Ceremonia de sanación o de protección conducida por un agente de medicina tradicional en un lugar (casa ceremonial, opy, la comunidad), con la persona y, si ella quiere, su familia."
* insert DesignacionesEsEn(ceremonia, Ceremonia, Ceremony)
* #consulta-tradicional "Consulta con un agente" "Consulta individual con un agente de medicina tradicional."
* insert DesignacionesEsEn(consulta-tradicional, Consulta con un agente, Traditional healer consultation)

ValueSet: PYServicioMedicinaTradicionalVS
Id: py-servicio-medicina-tradicional
Title: "Servicios de medicina tradicional"
Description: "Todos los códigos de py-servicio-medicina-tradicional."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-servicio-medicina-tradicional"
* include codes from system PYServicioMedicinaTradicionalCS
