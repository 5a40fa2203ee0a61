Profile: PYOrganization
Parent: Organization
Id: py-organization
Title: "Organización de salud (Paraguay)"
Description: "Organización del Sistema Nacional de Salud: establecimiento (con su código MSPBS de 8 dígitos), región sanitaria, dirección o prestador, con su subsector (MSPBS, IPS, Sanidad Militar, Sanidad Policial, universitario, privado, mixto)."
* insert MetadatosPY
* extension contains PYSubsector named subsector 1..1 and PYRegionSanitaria named regionSanitaria 0..1 and PYNivelAtencion named nivelAtencion 0..1
* insert IdentificadorPorSistema
* identifier contains establecimiento 0..1
* insert SliceIdentificador(establecimiento, https://fhir.mspbs.gov.py/sid/establecimiento, PRN)
* identifier[establecimiento] ^short = "Código de establecimiento MSPBS (8 dígitos)"
* identifier[establecimiento] obeys py-est-1
* name 1..1
* insert DireccionPY(address)

Invariant: py-est-1
Description: "El código de establecimiento del MSPBS tiene 8 dígitos (región + distrito + correlativo)."
Expression: "value.exists() implies value.matches('^[0-9]{8}$')"
Severity: #error

Profile: PYLocation
Parent: Location
Id: py-location
Title: "Establecimiento de salud — lugar (Paraguay)"
Description: "Lugar físico de un establecimiento de salud: código MSPBS, tipo y nivel de atención, departamento, distrito y región sanitaria, coordenadas y accesibilidad estacional (Chaco, zonas inundables)."
* insert MetadatosPY
* extension contains PYTipoEstablecimiento named tipoEstablecimiento 1..1 and PYNivelAtencion named nivelAtencion 0..1 and PYRegionSanitaria named regionSanitaria 1..1 and PYAccesibilidadEstacional named accesibilidad 0..1
* insert IdentificadorPorSistema
* identifier contains establecimiento 0..1
* insert SliceIdentificador(establecimiento, https://fhir.mspbs.gov.py/sid/establecimiento, PRN)
* identifier[establecimiento] obeys py-est-1
* name 1..1
* address 1..1
* address.extension contains PYDepartamento named departamento 1..1 and PYDistrito named distrito 0..1
* address obeys py-dir-1
* position obeys py-loc-1
* type from PYTipoLugarV3VS (extensible)
* managingOrganization only Reference(PYOrganization)

Invariant: py-loc-1
Description: "Las coordenadas están dentro del Paraguay (latitud −27,7 a −19,2; longitud −62,7 a −54,2)."
Expression: "latitude >= -27.7 and latitude <= -19.2 and longitude >= -62.7 and longitude <= -54.2"
Severity: #error

Profile: PYHealthcareService
Parent: HealthcareService
Id: py-healthcare-service
Title: "Servicio de salud (Paraguay)"
Description: "Servicio que presta un establecimiento (consultorio, vacunatorio, maternidad, medicina tradicional …), con su organización y lugar del perfil PY."
* insert MetadatosPY
* extension contains PYNivelAtencion named nivelAtencion 0..1
* providedBy 1..1
* providedBy only Reference(PYOrganization)
* location 1..*
* location only Reference(PYLocation)
* name 1..1
* type 1..*
* communication from PYIdiomaVS (extensible)

Instance: py-subsector
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda por subsector"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-subsector"
* name = "subsector"
* status = #draft
* description = "Organizaciones por subsector (extensión py-subsector)"
* code = #subsector
* base[0] = #Organization
* type = #token
* expression = "Organization.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-subsector').value"
* xpathUsage = #normal

Instance: py-region-sanitaria
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda por región sanitaria"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-region-sanitaria"
* name = "region-sanitaria"
* status = #draft
* description = "Lugares y organizaciones por Región Sanitaria (extensión py-region-sanitaria)"
* code = #region-sanitaria
* base[0] = #Location
* base[1] = #Organization
* type = #token
* expression = "Location.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-region-sanitaria').value | Organization.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-region-sanitaria').value"
* xpathUsage = #normal

Instance: py-departamento
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda por departamento"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-departamento"
* name = "departamento"
* status = #draft
* description = "Pacientes, lugares, organizaciones y profesionales o agentes por departamento del domicilio (extensión py-departamento en Address)"
* code = #departamento
* base[0] = #Patient
* base[1] = #Location
* base[2] = #Organization
* base[3] = #Practitioner
* type = #token
* expression = "Patient.address.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-departamento').value | Location.address.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-departamento').value | Organization.address.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-departamento').value | Practitioner.address.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-departamento').value"
* xpathUsage = #normal

Instance: py-distrito
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda por distrito"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-distrito"
* name = "distrito"
* status = #draft
* description = "Pacientes, lugares, organizaciones y profesionales o agentes por distrito del domicilio (extensión py-distrito en Address, código DGEEC DDNN)"
* code = #distrito
* base[0] = #Patient
* base[1] = #Location
* base[2] = #Organization
* base[3] = #Practitioner
* type = #token
* expression = "Patient.address.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-distrito').value | Location.address.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-distrito').value | Organization.address.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-distrito').value | Practitioner.address.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-distrito').value"
* xpathUsage = #normal

Instance: py-tipo-establecimiento
InstanceOf: SearchParameter
Usage: #definition
Title: "Búsqueda por tipo de establecimiento"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-tipo-establecimiento"
* name = "tipo-establecimiento"
* status = #draft
* description = "Lugares por tipo de establecimiento (extensión py-tipo-establecimiento)"
* code = #tipo-establecimiento
* base[0] = #Location
* type = #token
* expression = "Location.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-tipo-establecimiento').value"
* xpathUsage = #normal
