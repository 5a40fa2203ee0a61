Instance: paciente-asuncion
InstanceOf: PYPatient
Title: "Paciente con cédula, domicilio en Asunción"
Description: "Paciente adulta con cédula paraguaya, segundo apellido, domicilio codificado y preferencia por el guaraní."
Usage: #example
* identifier[cedula].value = "4123456"
* name[0].use = #official
* name[0].family = "Benítez"
* name[0].family.extension[apellidoMaterno].valueString = "Ayala"
* name[0].given[0] = "María"
* name[0].given[1] = "Luján"
* gender = #female
* birthDate = "1985-03-14"
* address[0].use = #home
* address[0].line[0] = "Tte. Fariña 1234"
* address[0].city = "Asunción"
* address[0].state = "Capital"
* address[0].country = "PY"
* address[0].extension[departamento].valueCoding = PYDepartamentoCS#0 "Capital (Asunción)"
* address[0].extension[distrito].valueCoding = PYDistritoCS#0 "ASUNCION"
* communication[0].language = urn:ietf:bcp:47#gn "Guaraní"
* communication[0].preferred = true
* communication[1].language = urn:ietf:bcp:47#es "Español"

Instance: paciente-indigena-boqueron
InstanceOf: PYPatient
Title: "Paciente nivaclé de Filadelfia (Boquerón), sin cédula"
Description: "Persona sin cédula identificada por la historia clínica del establecimiento; pueblo nivaclé; domicilio en Filadelfia (departamento 16 = ISO PY-19)."
Usage: #example
* extension[puebloIndigena].valueCodeableConcept = PYPuebloIndigenaCS#61 "Nivaclé"
* extension[comunidadIndigena].valueString = "Comunidad Cayin ô Clim"
* identifier[0].system = "https://fhir.mspbs.gov.py/sid/paciente/16001001"
* identifier[0].type = $v2-0203#MR
* identifier[0].value = "HC-2024-0091"
* name[0].family = "Ramírez"
* name[0].given[0] = "Ernesto"
* gender = #male
* birthDate = "1992"
* address[0].city = "Filadelfia"
* address[0].extension[departamento].valueCoding = PYDepartamentoCS#16 "Boquerón"
* address[0].extension[distrito].valueCoding = PYDistritoCS#1604 "FILADELFIA"
* communication[0].language = urn:ietf:bcp:47#cag "Nivaclé"
* communication[0].preferred = true

Instance: paciente-frontera-brasil
InstanceOf: PYPatient
Title: "Paciente de frontera con CPF y CNS (Pedro Juan Caballero)"
Description: "Persona brasileña atendida en Pedro Juan Caballero, identificada con CPF y CNS."
Usage: #example
* identifier[cpfBR].value = "12345678909"
* identifier[cnsBR].value = "898001160660001"
* name[0].family = "Souza"
* name[0].given[0] = "João"
* gender = #male
* birthDate = "1979-11-02"
* address[0].city = "Pedro Juan Caballero"
* address[0].extension[departamento].valueCoding = PYDepartamentoCS#13 "Amambay"
* address[0].extension[distrito].valueCoding = PYDistritoCS#1301 "PEDRO JUAN CABALLERO"
* communication[0].language = urn:ietf:bcp:47#pt-BR "Portugués (Brasil)"
* communication[0].preferred = true

Instance: paciente-frontera-argentina
InstanceOf: PYPatient
Title: "Paciente con cédula paraguaya y DNI argentino (Encarnación)"
Description: "Persona con doble documentación atendida en Encarnación."
Usage: #example
* identifier[cedula].value = "5234567"
* identifier[dniAR].value = "94123456"
* name[0].family = "González"
* name[0].given[0] = "Rosa"
* gender = #female
* birthDate = "2001-07-21"
* address[0].extension[departamento].valueCoding = PYDepartamentoCS#7 "Itapúa"
* address[0].extension[distrito].valueCoding = PYDistritoCS#701 "ENCARNACION"
