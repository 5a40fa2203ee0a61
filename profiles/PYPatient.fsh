Profile: PYPatient
Parent: Patient
Id: py-patient
Title: "Paciente (Paraguay)"
Description: "Paciente identificado con la cédula de identidad paraguaya."
* identifier 1..*
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains cedula 0..1
* identifier[cedula].system 1..1
* identifier[cedula].system = $cedula (exactly)
* identifier[cedula].value 1..1
* identifier[cedula] obeys py-ci-1
* name 1..*
* gender 1..1
* birthDate 1..1

Invariant: py-ci-1
Description: "La cédula de identidad es numérica, de 1 a 9 dígitos, sin puntos."
Expression: "value.matches('^[0-9]{1,9}$')"
Severity: #error
