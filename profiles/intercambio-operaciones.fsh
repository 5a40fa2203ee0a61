// La operación de intercambio: Patient/$summary (IPS 2.0.0) con firma opcional. Ver la página "Intercambio".

Instance: patient-summary
InstanceOf: OperationDefinition
Title: "Resumen del paciente IPS (Patient/$summary)"
Description: "El Resumen Internacional del Paciente (IPS 2.0.0) de un paciente, armado por el servidor con lo que tiene y el solicitante puede leer; firmado a pedido."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/patient-summary"
* name = "PatientSummary"
* title = "Resumen del paciente IPS (Patient/$summary)"
* description = """La operación `$summary` del IPS 2.0.0 (`http://hl7.org/fhir/uv/ips/OperationDefinition/summary`, que es la que declara el CapabilityStatement) con el parámetro `signed` de HMS-OPS. Devuelve un Bundle `document` conforme a Bundle-uv-ips: la Composition (LOINC 60591-5) primero, con las secciones de problemas (11450-4), alergias (48765-2) y medicación (10160-0) siempre (con `emptyReason` `unavailable` si el servidor no tiene nada, o `withheld` si el solicitante no puede leer ese tipo de recurso), y las de inmunizaciones (11369-6), procedimientos (47519-4), resultados (30954-2) y signos vitales (8716-3) cuando hay datos; 500 entradas por sección como máximo (las más recientes). Las búsquedas se hacen con el acceso del solicitante (alcances y políticas de establecimiento). Con `signed=true` el Bundle lleva `Bundle.signature`: un JWS con carga desacoplada sobre el JSON canónico del Bundle sin su firma (ver la página Intercambio). Errores: 400 si falta el paciente, si un parámetro es inválido o desconocido, o si se pide otro perfil; 404 si el paciente no existe o no es visible; 422 si el identificador corresponde a más de un paciente."""
* base = "http://hl7.org/fhir/uv/ips/OperationDefinition/summary"
* affectsState = false
* code = #summary
* resource = #Patient
* system = false
* type = true
* instance = true
* parameter[0].name = #identifier
* parameter[0].use = #in
* parameter[0].min = 0
* parameter[0].max = "1"
* parameter[0].type = #string
* parameter[0].searchType = #token
* parameter[0].documentation = "El paciente por su identificador (`sistema|valor`), a nivel de tipo; debe corresponder a un solo paciente visible. No se admite junto con `Patient/[id]`."
* parameter[1].name = #profile
* parameter[1].use = #in
* parameter[1].min = 0
* parameter[1].max = "1"
* parameter[1].type = #canonical
* parameter[1].documentation = "Solo Bundle-uv-ips o Composition-uv-ips del IPS (con `|2.0.0` o sin versión); otro perfil es un 400."
* parameter[2].name = #signed
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "1"
* parameter[2].type = #boolean
* parameter[2].documentation = "true: el Bundle se devuelve firmado (Bundle.signature, JWS desacoplado; claves en /fhir/.well-known/exchange-jwks.json). Por omisión false."
* parameter[3].name = #return
* parameter[3].use = #out
* parameter[3].min = 1
* parameter[3].max = "1"
* parameter[3].type = #Bundle
* parameter[3].documentation = "El documento IPS (Bundle type document, Bundle-uv-ips)."

// La recepción de mensajes de socios: $process-message (la operación estándar de FHIR, a nivel de sistema).

Instance: process-message
InstanceOf: OperationDefinition
Title: "Recibir un mensaje de un socio ($process-message)"
Description: "Recibe una derivación o contrarreferencia firmada de un establecimiento socio y la importa en una sola transacción."
Usage: #definition
* status = #draft
* experimental = false
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* jurisdiction = urn:iso:std:iso:3166#PY "Paraguay"
* kind = #operation
* url = "https://fhir.mspbs.gov.py/OperationDefinition/process-message"
* name = "ProcessMessage"
* title = "Recibir un mensaje de un socio ($process-message)"
* description = """La operación `$process-message` de FHIR R4 (`http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message`, la que declara el CapabilityStatement), síncrona, a nivel de sistema: `POST [base]/$process-message` con el Bundle `message` en el cuerpo. En este orden, y todo antes de guardar nada: (1) la forma: Bundle `message` con `identifier` (sistema `https://fhir.mspbs.gov.py/sid/bundle`), `timestamp`, el MessageHeader primero (evento py-evento-intercambio), la Task, el ServiceRequest, el Patient, las Organization y el documento IPS anidado, y `Bundle.signature` (400 si falta algo, diciendo qué); (2) un `identifier` ya recibido con el mismo contenido responde la respuesta guardada sin importar nada más; (3) el socio: `MessageHeader.source.endpoint` debe ser el `address` de un Endpoint activo (py-endpoint-socio); si no, 403 «socio desconocido»; (4) la firma, solo con las claves (py-clave-intercambio) de los Endpoints activos de ese socio: firma con una clave que no está en la lista, 403 «clave no confiable»; firma que no corresponde al contenido (alterado después de firmar) o ilegible, 400; lo mismo para la firma del documento IPS anidado; (5) la validación: cada recurso contra FHIR R4 y los perfiles que declara, el Patient contra py-patient y el documento contra Bundle-uv-ips del IPS 2.0.0 (422 con los problemas); el establecimiento de destino (Task.owner, por su identificador) debe existir aquí (422); (6) cada Coding de un sistema local del socio para el que hay un ConceptMap hacia un sistema del MSPBS recibe el código traducido al lado (se conserva el original); (7) el paciente: por cualquiera de sus identificadores (los extranjeros llevados a su sistema preferido por los NamingSystem de la guía), si no por puntaje (apellido, nombre, fecha de nacimiento, sexo: 0,35 + 0,25 + 0,25 + 0,15 sobre los candidatos con la misma fecha de nacimiento; 0,85 o más y ningún otro candidato de 0,5 o más: es ese paciente; entre 0,5 y 0,85, o varios candidatos: se crea el paciente recibido como nuevo y se abre una Task py-tarea-intercambio#revisar-identidad con los candidatos; nunca se fusiona en silencio); (8) en una sola transacción: el Patient (nuevo, o el encontrado con los identificadores extranjeros que le faltaban), el ServiceRequest, la Task para el establecimiento de destino (owner), el documento IPS como Bundle, una Provenance (target: todo lo importado; agent: el socio; entity: el identificador del mensaje) y un AuditEvent (DICOM 110107 Import). Cada mensaje rechazado deja también un AuditEvent. Responde 200 con un Bundle `message` cuyo MessageHeader.response nombra el MessageHeader recibido (código `ok`), firmado con la clave de intercambio del servidor."""
* base = "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message"
* affectsState = true
* code = #process-message
* system = true
* type = false
* instance = false
* parameter[0].name = #content
* parameter[0].use = #in
* parameter[0].min = 1
* parameter[0].max = "1"
* parameter[0].type = #Bundle
* parameter[0].documentation = "El mensaje (Bundle type message, firmado), como cuerpo del POST."
* parameter[1].name = #async
* parameter[1].use = #in
* parameter[1].min = 0
* parameter[1].max = "1"
* parameter[1].type = #boolean
* parameter[1].documentation = "Solo false (por omisión): el procesamiento es síncrono; true es un 400."
* parameter[2].name = #return
* parameter[2].use = #out
* parameter[2].min = 0
* parameter[2].max = "1"
* parameter[2].type = #Bundle
* parameter[2].documentation = "El mensaje de respuesta (Bundle type message; MessageHeader.response.code ok)."

Instance: servicerequest-send
InstanceOf: OperationDefinition
Title: "Enviar una derivación a un socio (ServiceRequest/[id]/$send)"
Description: "Envía una derivación o contrarreferencia a otro establecimiento como mensaje FHIR firmado, con el IPS del paciente, a través de la bandeja de salida."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/servicerequest-send"
* name = "ServiceRequestSend"
* title = "Enviar una derivación a un socio (ServiceRequest/[id]/$send)"
* description = """Arma el mensaje FHIR de la derivación (`Bundle` `message`: MessageHeader con el evento, la Task, el ServiceRequest, el paciente, los establecimientos de origen y destino y el IPS firmado), lo firma con la clave de intercambio del servidor y lo guarda en la bandeja de salida junto con una Task de entrega (`code.text` `exchange-delivery`), en una transacción. Responde 202 con esa Task (cabecera Location). El servidor lo envía luego con `POST [address]/$process-message` al Endpoint del socio, con reintentos por socio, las urgencias primero; la Task sigue el envío (`businessStatus` queued, retrying, sent o failed) y cada intento queda en un AuditEvent (ver la página Intercambio). El ServiceRequest, el paciente y su IPS se leen con el acceso del solicitante. Errores: 400 si falta `partner`, si un parámetro es inválido, repetido o desconocido, si `contrarreferencia` no trae `task` o `task` viene con otro evento; 404 si el ServiceRequest o su paciente no existen o no son visibles; 422 si el socio no existe o no tiene un Endpoint activo hl7-fhir-msg, si no se conoce el establecimiento de origen, o si la Task nombrada no existe."""
* affectsState = true
* code = #send
* resource = #ServiceRequest
* system = false
* type = false
* instance = true
* parameter[0].name = #partner
* parameter[0].use = #in
* parameter[0].min = 1
* parameter[0].max = "1"
* parameter[0].type = #Reference
* parameter[0].targetProfile = "http://hl7.org/fhir/StructureDefinition/Organization"
* parameter[0].documentation = "El establecimiento socio (`Organization/[id]`), con un Endpoint activo de connectionType hl7-fhir-msg cuya `address` es su URL base FHIR."
* parameter[1].name = #event
* parameter[1].use = #in
* parameter[1].min = 0
* parameter[1].max = "1"
* parameter[1].type = #code
* parameter[1].documentation = "`derivacion-solicitud` (por omisión) o `contrarreferencia` (https://fhir.mspbs.gov.py/CodeSystem/py-evento-intercambio)."
* parameter[2].name = #task
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "1"
* parameter[2].type = #Reference
* parameter[2].targetProfile = "http://hl7.org/fhir/StructureDefinition/Task"
* parameter[2].documentation = "Solo con `contrarreferencia` (y entonces obligatoria): la Task de la derivación que se responde; el mensaje la nombra en `Task.partOf` por su identificador."
* parameter[3].name = #return
* parameter[3].use = #out
* parameter[3].min = 1
* parameter[3].max = "1"
* parameter[3].type = #Task
* parameter[3].documentation = "La Task de entrega (202 Accepted), que sigue el envío: `businessStatus.text` queued, retrying, sent o failed; `statusReason` el último error; `output` el identificador de la respuesta del socio."
