// Planes de cuidados combinados: un CarePlan con actividades de la medicina convencional y de la medicina
// tradicional, en orden; el servidor señala con un DetectedIssue las combinaciones de la tabla de conflictos
// py-conflictos-terapeuticos. Ver la página "Planes combinados".

Profile: PYCombinedCarePlan
Parent: CarePlan
Id: py-combined-care-plan
Title: "Plan de cuidados combinado (Paraguay)"
Description: """Plan de cuidados de un paciente que combina actividades de la medicina convencional y de la medicina tradicional (Ley 5469/2015). Cada actividad dice su práctica con la extensión py-tipo-atencion en `CarePlan.activity` (convencional, tradicional o intercultural) y qué se hace en `activity.detail`: un medicamento (`productCodeableConcept`, p. ej. ATC) o un remedio de py-remedio-tradicional (`productCodeableConcept` o `code`).

**Orden**: las actividades se realizan en el orden en que están listadas (el orden del arreglo `activity`); `detail.scheduledPeriod` (o `scheduledTiming`) puede dar además cuándo.

**Conflictos**: en cada escritura (POST, PUT, PATCH, transacción) el servidor compara todos los pares de actividades vigentes (no `cancelled`, `stopped` ni `entered-in-error`) con la tabla py-conflictos-terapeuticos y crea, en la misma transacción, un DetectedIssue por cada conflicto; si el conflicto desaparece del plan, el DetectedIssue pasa a `cancelled`."""
* insert MetadatosPY
* subject only Reference(Patient)
* subject ^short = "El paciente"
* activity 1..*
* activity ^short = "Actividades, en el orden en que se realizan"
* activity ^definition = "Las actividades del plan, de ambas prácticas, en el orden en que se realizan: el orden del arreglo es el orden del plan."
* activity.extension contains PYTipoAtencion named tipoAtencion 1..1
* activity.extension[tipoAtencion] ^short = "Práctica de la actividad: convencional, tradicional o intercultural"
* activity.reference 0..0
* activity.detail 1..1
* activity.detail.code ^short = "Qué se hace (un procedimiento o un remedio de py-remedio-tradicional)"
* activity.detail.product[x] ^short = "El medicamento (ATC) o el remedio (py-remedio-tradicional)"
* activity.detail.scheduled[x] ^short = "Cuándo (opcional, p. ej. scheduledPeriod; el orden lo da la posición en activity)"
* activity obeys py-plan-1
* obeys py-plan-2

Invariant: py-plan-1
Description: "La actividad dice qué se hace: detail.code o detail.productCodeableConcept."
Expression: "detail.code.exists() or detail.productCodeableConcept.exists()"
Severity: #error

Invariant: py-plan-2
Description: "Un plan combinado tiene actividades de ambas prácticas (convencional y tradicional, o una intercultural)."
Expression: "activity.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-tipo-atencion').value.code.distinct().count() > 1 or activity.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-tipo-atencion').value.code contains 'intercultural'"
Severity: #warning
