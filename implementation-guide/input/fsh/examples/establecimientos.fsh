Instance: hg-san-lorenzo-org
InstanceOf: PYOrganization
Title: "Hospital General de San Lorenzo (organización)"
Description: "Establecimiento del MSPBS, tercer nivel, XI Región Sanitaria (Central)."
Usage: #example
* extension[subsector].valueCoding = PYSubsectorCS#mspbs "Ministerio de Salud Pública y Bienestar Social"
* extension[regionSanitaria].valueCoding = PYRegionSanitariaCS#11 "XI Región Sanitaria – Central"
* extension[nivelAtencion].valueCoding = PYNivelAtencionCS#3 "Tercer nivel de atención (alta complejidad)"
* identifier[establecimiento].value = "11014101"
* name = "Hospital General de San Lorenzo"
* active = true
* address[0].city = "San Lorenzo"
* address[0].extension[departamento].valueCoding = PYDepartamentoCS#11 "Central"
* address[0].extension[distrito].valueCoding = PYDistritoCS#1114 "SAN LORENZO"

Instance: ips-central-org
InstanceOf: PYOrganization
Title: "Instituto de Previsión Social (organización)"
Description: "Prestador del subsector IPS, sin código de establecimiento propio."
Usage: #example
* extension[subsector].valueCoding = PYSubsectorCS#ips "Instituto de Previsión Social"
* name = "Instituto de Previsión Social"

Instance: usf-bahia-negra-org
InstanceOf: PYOrganization
Title: "USF Bahía Negra (organización)"
Description: "Unidad de Salud de la Familia en Alto Paraguay (DGEEC 17 = ISO PY-16), XVII Región Sanitaria."
Usage: #example
* extension[subsector].valueCoding = PYSubsectorCS#mspbs "Ministerio de Salud Pública y Bienestar Social"
* extension[regionSanitaria].valueCoding = PYRegionSanitariaCS#17 "XVII Región Sanitaria – Alto Paraguay"
* identifier[establecimiento].value = "17004001"
* name = "USF Bahía Negra"

Instance: hg-san-lorenzo
InstanceOf: PYLocation
Title: "Hospital General de San Lorenzo (lugar)"
Description: "Lugar del HG San Lorenzo con coordenadas, tipo, nivel y región."
Usage: #example
* extension[tipoEstablecimiento].valueCoding = PYTipoEstablecimientoCS#HG "Hospital General"
* extension[nivelAtencion].valueCoding = PYNivelAtencionCS#3 "Tercer nivel de atención (alta complejidad)"
* extension[regionSanitaria].valueCoding = PYRegionSanitariaCS#11 "XI Región Sanitaria – Central"
* identifier[establecimiento].value = "11014101"
* status = #active
* name = "HG - San Lorenzo"
* type[0] = $v3-RoleCode#GACH "Hospitals; General Acute Care Hospital"
* address.city = "San Lorenzo"
* address.extension[departamento].valueCoding = PYDepartamentoCS#11 "Central"
* address.extension[distrito].valueCoding = PYDistritoCS#1114 "SAN LORENZO"
* position.latitude = -25.3397
* position.longitude = -57.5088
* managingOrganization = Reference(hg-san-lorenzo-org)

Instance: usf-bahia-negra
InstanceOf: PYLocation
Title: "USF Bahía Negra (lugar, accesibilidad estacional)"
Description: "USF del Alto Paraguay que queda aislada por tierra en la temporada de lluvias (enero a marzo)."
Usage: #example
* extension[tipoEstablecimiento].valueCoding = PYTipoEstablecimientoCS#USF "Unidad de Salud de la Familia"
* extension[nivelAtencion].valueCoding = PYNivelAtencionCS#1 "Primer nivel de atención (APS)"
* extension[regionSanitaria].valueCoding = PYRegionSanitariaCS#17 "XVII Región Sanitaria – Alto Paraguay"
* extension[accesibilidad].extension[tipo].valueCoding = PYAccesibilidadCS#estacional-lluvias "Inaccesible por tierra en temporada de lluvias"
* extension[accesibilidad].extension[mesInaccesible][0].valueInteger = 1
* extension[accesibilidad].extension[mesInaccesible][1].valueInteger = 2
* extension[accesibilidad].extension[mesInaccesible][2].valueInteger = 3
* extension[accesibilidad].extension[nota].valueString = "Acceso fluvial por el río Paraguay todo el año"
* identifier[establecimiento].value = "17004001"
* status = #active
* name = "USF Bahía Negra"
* address.extension[departamento].valueCoding = PYDepartamentoCS#17 "Alto Paraguay"
* address.extension[distrito].valueCoding = PYDistritoCS#1704 "BAHIA NEGRA"
* position.latitude = -20.2275
* position.longitude = -58.1650
* managingOrganization = Reference(usf-bahia-negra-org)

Instance: consultorio-medicina-tradicional
InstanceOf: PYHealthcareService
Title: "Consultorio de medicina tradicional (USF Bahía Negra)"
Description: "Servicio de atención intercultural con agentes de medicina tradicional."
Usage: #example
* extension[nivelAtencion].valueCoding = PYNivelAtencionCS#1 "Primer nivel de atención (APS)"
* providedBy = Reference(usf-bahia-negra-org)
* location[0] = Reference(usf-bahia-negra)
* name = "Atención intercultural"
* type[0].text = "Medicina tradicional indígena"
* communication[0] = urn:ietf:bcp:47#gn "Guaraní"
* communication[1] = urn:ietf:bcp:47#ayo "Ayoreo"

Instance: vacunatorio-hg-san-lorenzo
InstanceOf: PYHealthcareService
Title: "Vacunatorio del HG San Lorenzo"
Description: "Servicio de vacunación."
Usage: #example
* providedBy = Reference(hg-san-lorenzo-org)
* location[0] = Reference(hg-san-lorenzo)
* name = "Vacunatorio"
* type[0] = http://terminology.hl7.org/CodeSystem/service-type#57 "Immunization"
