// Preferencia de la persona sobre la medicina tradicional: si quiere ser atendida por agentes de medicina
// tradicional y si consiente compartir con ellos su información clínica. El servidor la respeta al derivar
// (ver la página "Medicina tradicional").

Extension: PYPreferenciaAtencion
Id: py-preferencia-atencion
Title: "Preferencia sobre la medicina tradicional"
Description: """Lo que la persona dijo sobre la medicina tradicional (Ley 5469/2015): si quiere (o no) ser atendida por agentes de medicina tradicional y si consiente compartir con ellos su información clínica, y cuándo se registró.

El servidor la hace cumplir en toda escritura de una derivación (ServiceRequest py-referral) y de su tarea: una derivación a un agente de medicina tradicional, o de tipo de atención tradicional o intercultural, de una persona con `atencionTradicional` = false es un 422; la misma derivación con información clínica (`supportingInfo`, o `input` en la tarea de derivación) sin `compartirConAgentes` = true es un 422. Sin información clínica la derivación sola sí va."""
Context: Patient
* insert MetadatosPY
* extension contains atencionTradicional 0..1 and compartirConAgentes 0..1 and fechaRegistro 0..1
* extension[atencionTradicional] ^short = "Quiere (true) o no quiere (false) atención de medicina tradicional; si falta, no lo dijo"
* extension[atencionTradicional].value[x] 1..1
* extension[atencionTradicional].value[x] only boolean
* extension[compartirConAgentes] ^short = "Consiente (true) compartir su información clínica con agentes de medicina tradicional; si falta, no consintió"
* extension[compartirConAgentes].value[x] 1..1
* extension[compartirConAgentes].value[x] only boolean
* extension[fechaRegistro] ^short = "Cuándo se registró la preferencia"
* extension[fechaRegistro].value[x] 1..1
* extension[fechaRegistro].value[x] only dateTime
