// Un establecimiento socio de Argentina y su Endpoint de intercambio (durante una rotación de claves: la anterior y la nueva).

Instance: hospital-posadas-ar-org
InstanceOf: Organization
Title: "Hospital Nacional Posadas (socio, Argentina)"
Description: "Establecimiento socio argentino con el que se intercambian derivaciones por mensajes FHIR."
Usage: #example
* identifier[0].system = "https://sisa.msal.gov.ar/REFES"
* identifier[0].value = "10060702"
* active = true
* name = "Hospital Nacional Profesor Alejandro Posadas"
* address[0].city = "El Palomar"
* address[0].country = "AR"

Instance: hospital-posadas-ar-endpoint
InstanceOf: PYEndpointSocio
Title: "Endpoint de intercambio del Hospital Posadas"
Description: "Su URL base FHIR y las dos claves con las que firma mientras rota la suya: la de enero y la de julio."
Usage: #example
* extension[clave][0].valueString = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"C0gQ2omKHOadQeYwK3iO0-R52QOabQi1P7EFC4vfauI\",\"y\":\"iMAJ_Rjx4UsAl1Vf4TDo3Vf0JOAGYpSGdU03UMC37Js\",\"kid\":\"hospital-posadas-2026-01\",\"alg\":\"ES256\",\"use\":\"sig\"}"
* extension[clave][1].valueString = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"gwED5eviBgC6e3HwCG-3GplKbH9UUZGFmhX8svzForo\",\"y\":\"rl7VSn9gnJgcL6q878x-K8ENNEyQ6m9Qk9mgaUS_Hl4\",\"kid\":\"hospital-posadas-2026-07\",\"alg\":\"ES256\",\"use\":\"sig\"}"
* status = #active
* connectionType = http://terminology.hl7.org/CodeSystem/endpoint-connection-type#hl7-fhir-msg
* name = "Hospital Posadas — intercambio de derivaciones"
* managingOrganization = Reference(hospital-posadas-ar-org)
* payloadType[0].text = "referral"
* address = "https://fhir.hospitalposadas.gob.ar/fhir"
