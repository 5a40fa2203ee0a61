// Reposición y alerta temprana del stock (Location/$replenish y $stock-alerts): la tarea de aprobación del pedido,
// las cifras con que se calculó cada pedido y los tipos de alerta. Ver la página "Suministros y stock".

CodeSystem: PYReposicionCS
Id: py-reposicion
Title: "Reposición de suministros"
Description: "La aprobación de un pedido de reposición (Location/$replenish): el código de la Task y el tipo de cada uno de sus `input` (un SupplyRequest del pedido). Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-reposicion"
* #aprobar-pedido "Aprobar pedido de reposición" "Task.code: aprobar (completed) o rechazar (rejected) los SupplyRequest propuestos para un depósito; al completarse pasan a active."
* insert DesignacionesEsEn(aprobar-pedido, Aprobar pedido de reposición, Approve replenishment order)
* #pedido "Pedido de un artículo" "Task.input.type: un SupplyRequest del pedido (valueReference)."
* insert DesignacionesEsEn(pedido, Pedido de un artículo, Order line)

ValueSet: PYReposicionVS
Id: py-reposicion
Title: "Reposición de suministros"
Description: "Todos los códigos de py-reposicion."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-reposicion"
* include codes from system PYReposicionCS

CodeSystem: PYVariableReposicionCS
Id: py-variable-reposicion
Title: "Cifras de un pedido de reposición"
Description: "Las cifras con que se calculó un pedido de reposición (fórmulas de requisición de OpenLMIS), en SupplyRequest.parameter (valueQuantity). Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-variable-reposicion"
* #cmp "Consumo mensual promedio" "P (AMC): el promedio, redondeado hacia arriba, del consumo ajustado por los días sin stock de los últimos meses completos."
* insert DesignacionesEsEn(cmp, Consumo mensual promedio, Average monthly consumption)
* #meses-stock "Meses de stock" "Stock disponible / consumo mensual promedio (MOS)."
* insert DesignacionesEsEn(meses-stock, Meses de stock, Months of stock)
* #stock-maximo "Stock máximo" "H: consumo mensual promedio × meses de cobertura, redondeado hacia arriba."
* insert DesignacionesEsEn(stock-maximo, Stock máximo, Maximum stock)
* #stock-disponible "Stock disponible" "E: el saldo del artículo en el depósito (todos sus lotes) al calcular."
* insert DesignacionesEsEn(stock-disponible, Stock disponible, Stock on hand)
* #en-pedido "En pedido" "O: lo pedido y aprobado (SupplyRequest active) que todavía no se recibió."
* insert DesignacionesEsEn(en-pedido, En pedido, On order)
* #dias-sin-stock "Días sin stock" "X: los días sin stock de los meses del promedio, sumados."
* insert DesignacionesEsEn(dias-sin-stock, Días sin stock, Stock-out days)
* #meses-cobertura "Meses de cobertura" "Los meses que cubre el stock máximo: los de la política del establecimiento (3; 6 un puesto de salud) más los de un cierre estacional próximo."
* insert DesignacionesEsEn(meses-cobertura, Meses de cobertura, Months of cover)

ValueSet: PYVariableReposicionVS
Id: py-variable-reposicion
Title: "Cifras de un pedido de reposición"
Description: "Todos los códigos de py-variable-reposicion."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-variable-reposicion"
* include codes from system PYVariableReposicionCS

CodeSystem: PYAlertaStockCS
Id: py-alerta-stock
Title: "Alerta de stock"
Description: "El tipo de una alerta temprana de stock (Location/$stock-alerts), en Flag.category. Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-alerta-stock"
* #stock-bajo "Stock bajo" "Los meses de stock del artículo en el depósito están por debajo del umbral (1 mes por omisión)."
* insert DesignacionesEsEn(stock-bajo, Stock bajo, Low stock)
* #vencimiento-proximo "Vencimiento próximo" "Un lote con saldo vence dentro del plazo (90 días por omisión) o ya venció."
* insert DesignacionesEsEn(vencimiento-proximo, Vencimiento próximo, Expiry soon)

ValueSet: PYAlertaStockVS
Id: py-alerta-stock
Title: "Alerta de stock"
Description: "Todos los códigos de py-alerta-stock."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-alerta-stock"
* include codes from system PYAlertaStockCS
