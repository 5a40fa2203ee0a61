// Parámetros de búsqueda de los movimientos de stock: dónde entra o sale cada movimiento. Con ellos, las
// políticas de acceso atan los movimientos al establecimiento de su depósito (y al que lo abastece).

Instance: py-supplydelivery-destination
InstanceOf: SearchParameter
Usage: #definition
Title: "Recepciones por depósito de destino"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-supplydelivery-destination"
* name = "destination"
* status = #draft
* description = "Entregas (SupplyDelivery) por el depósito (Location) que las recibe"
* code = #destination
* base[0] = #SupplyDelivery
* type = #reference
* target[0] = #Location
* expression = "SupplyDelivery.destination"
* xpathUsage = #normal

Instance: py-supplydelivery-origen
InstanceOf: SearchParameter
Usage: #definition
Title: "Transferencias por depósito de origen"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-supplydelivery-origen"
* name = "origen"
* status = #draft
* description = "Transferencias (SupplyDelivery con py-origen) por el depósito del que salen"
* code = #origen
* base[0] = #SupplyDelivery
* type = #reference
* target[0] = #Location
* expression = "SupplyDelivery.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-origen').value"
* xpathUsage = #normal

Instance: py-medicationdispense-location
InstanceOf: SearchParameter
Usage: #definition
Title: "Dispensaciones por depósito"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-medicationdispense-location"
* name = "location"
* status = #draft
* description = "Dispensaciones (MedicationDispense) por el depósito (Location) del que sale lo dispensado"
* code = #location
* base[0] = #MedicationDispense
* type = #reference
* target[0] = #Location
* expression = "MedicationDispense.location"
* xpathUsage = #normal

Instance: py-movimiento-stock-ubicacion
InstanceOf: SearchParameter
Usage: #definition
Title: "Movimientos de stock por depósito"
* url = "https://fhir.mspbs.gov.py/SearchParameter/py-movimiento-stock-ubicacion"
* name = "ubicacion"
* status = #draft
* description = "Ajustes y recuentos (Basic py-movimiento-stock) por el depósito (Location) donde ocurren"
* code = #ubicacion
* base[0] = #Basic
* type = #reference
* target[0] = #Location
* expression = "Basic.extension.where(url = 'https://fhir.mspbs.gov.py/StructureDefinition/py-movimiento-stock').extension.where(url = 'ubicacion').value"
* xpathUsage = #normal
