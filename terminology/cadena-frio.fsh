// Cadena de frío: las lecturas de temperatura de heladeras y congeladores (Device), las excursiones según las
// reglas de la OMS (registradores de 30 días, indicadores PQS) y la liberación de los lotes en cuarentena.
// Ver la página "Suministros y stock", sección "Cadena de frío".

CodeSystem: PYCadenaFrioCS
Id: py-cadena-frio
Title: "Cadena de frío"
Description: """Códigos de la cadena de frío de vacunas: la lectura de temperatura de un equipo (Observation.code), las excursiones que el servidor detecta (DetectedIssue.code) y la acción de liberar los lotes en cuarentena después de evaluar una excursión (DetectedIssue.mitigation.action)."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-cadena-frio"
* #temperatura-equipo "Temperatura del equipo" "Temperatura medida en una heladera, congelador o caja fría (valor en °C, UCUM Cel)."
* #congelamiento "Congelamiento" "Excursión: a −0,5 °C o menos durante 60 minutos seguidos (alarma de congelamiento de la OMS)."
* #calor-agudo "Calor agudo" "Excursión: a 45 °C o más durante 60 minutos seguidos."
* #calor-acumulado "Calor acumulado" "Excursión: por encima de 8 °C durante 10 horas en total (en los últimos 30 días, desde la alarma anterior)."
* #fuera-de-rango "Fuera de rango" "Excursión: fuera de 2–8 °C durante COLD_CHAIN_OUT_OF_RANGE_MINUTES seguidos (60 por defecto)."
* #liberar-lotes "Liberar lotes" "Mitigación de una excursión: evaluada la excursión, los lotes puestos en cuarentena por ella vuelven a poder entregarse."

ValueSet: PYCadenaFrioVS
Id: py-cadena-frio
Title: "Cadena de frío"
Description: "Todos los códigos de py-cadena-frio."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-cadena-frio"
* include codes from system PYCadenaFrioCS
