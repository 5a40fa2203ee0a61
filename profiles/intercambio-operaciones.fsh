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
