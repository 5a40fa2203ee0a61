// Intercambio con establecimientos socios (derivaciones transfronterizas y nodos nacionales): los eventos de los
// mensajes, las tareas que abre la recepción, la clave pública de un socio en su Endpoint y el perfil del
// Endpoint de un socio. Ver la página "Intercambio". Códigos propuestos por HMS-OPS.

CodeSystem: PYEventoIntercambioCS
Id: py-evento-intercambio
Title: "Evento de un mensaje de intercambio"
Description: "Qué lleva un mensaje FHIR (Bundle message) entre establecimientos socios: MessageHeader.eventCoding. Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-evento-intercambio"
* #derivacion-solicitud "Solicitud de derivación" "Un establecimiento deriva un paciente a otro: Task (fulfill) con su ServiceRequest, el paciente y su resumen IPS firmado."
* insert DesignacionesEsEn(derivacion-solicitud, Solicitud de derivación, Referral request)
* #contrarreferencia "Contrarreferencia" "El destino devuelve al origen el resultado o el seguimiento de una derivación (Task.partOf nombra la tarea de derivación original por su identificador)."
* insert DesignacionesEsEn(contrarreferencia, Contrarreferencia, Counter-referral)

ValueSet: PYEventoIntercambioVS
Id: py-evento-intercambio
Title: "Evento de un mensaje de intercambio"
Description: "Todos los códigos de py-evento-intercambio."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-evento-intercambio"
* include codes from system PYEventoIntercambioCS

CodeSystem: PYTareaIntercambioCS
Id: py-tarea-intercambio
Title: "Tarea abierta por la recepción de un mensaje"
Description: "Tareas (Task.code) que el servidor abre al recibir un mensaje de un socio, y los tipos de sus entradas. Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-tarea-intercambio"
* #revisar-identidad "Revisar identidad" "El paciente recibido se parece a uno o más pacientes registrados sin que la coincidencia sea segura: se lo registró como paciente nuevo (Task.focus) y una persona debe decidir si es el mismo que alguno de los candidatos (Task.input candidato)."
* insert DesignacionesEsEn(revisar-identidad, Revisar identidad, Review identity)
* #candidato "Candidato" "Entrada de una tarea revisar-identidad: un paciente registrado que podría ser el recibido (valueReference), con su puntaje en la descripción."
* insert DesignacionesEsEn(candidato, Candidato, Candidate)

Extension: PYClaveIntercambio
Id: py-clave-intercambio
Title: "Clave pública de intercambio"
Description: "Una clave pública (JWK, RFC 7517, con `kid`; EC P-256 para ES256 o RSA de 2048 bits o más para RS256) con la que el socio firma sus mensajes (Bundle.signature, JWS desacoplado sobre el JSON canónico). Se repite: durante una rotación el Endpoint lista la clave nueva junto a la anterior, y la anterior se quita después; el servidor acepta una firma solo con una clave listada en un Endpoint activo del socio que el mensaje nombra como origen."
Context: Endpoint
* insert MetadatosPY
* value[x] 1..1
* value[x] only string
* valueString ^short = "La clave pública como texto JSON (un JWK con kid, sin parte privada)"

Profile: PYEndpointSocio
Parent: Endpoint
Id: py-endpoint-socio
Title: "Endpoint de un establecimiento socio"
Description: """El servidor FHIR de un establecimiento socio (Argentina, Brasil, Bolivia, Uruguay, Paraguay) con el que se intercambian derivaciones por mensajes: `address` es su URL base FHIR (la que el mensaje pone en MessageHeader.source.endpoint), `managingOrganization` el establecimiento socio (una Organization con `address.country` ISO 3166 alfa-2 e `identifier`), y las claves con las que firma en la extensión py-clave-intercambio. La lista de confianza son las claves de los Endpoints activos: un mensaje se acepta solo firmado con una clave de un Endpoint activo del socio que lo envía."""
* insert MetadatosPY
* extension contains PYClaveIntercambio named clave 1..*
* extension[clave] ^short = "Clave pública (JWK) con la que firma el socio; varias durante una rotación"
* status = #active (exactly)
* connectionType = http://terminology.hl7.org/CodeSystem/endpoint-connection-type#hl7-fhir-msg
* managingOrganization 1..1
* managingOrganization only Reference(Organization)
* managingOrganization ^short = "El establecimiento socio"
* payloadType ^short = "Qué se intercambia (texto \"referral\")"
* address ^short = "URL base FHIR del socio (MessageHeader.source.endpoint de sus mensajes)"
