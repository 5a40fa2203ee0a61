// Indicadores de suministros: las medidas (Measure) que evalúa Measure/$evaluate-measure y la operación
// Location/$supply-kpis. Ver la página "Suministros y stock", sección "Indicadores".

RuleSet: MedidaSuministroPY(id, title, description, scoring)
* status = #draft
* experimental = false
* publisher = "Ministerio de Salud Pública y Bienestar Social (MSPBS) — HMS-OPS"
* jurisdiction = urn:iso:std:iso:3166#PY "Paraguay"
* url = "https://fhir.mspbs.gov.py/Measure/{id}"
* name = "{id}"
* title = "{title}"
* description = "{description}"
* scoring = http://terminology.hl7.org/CodeSystem/measure-scoring#{scoring}
* type = http://terminology.hl7.org/CodeSystem/measure-type#process
* subjectCodeableConcept = http://hl7.org/fhir/resource-types#Location
* group[0].code.text = "{title}"

Instance: py-suministro-quiebre-stock
InstanceOf: Measure
Title: "Quiebre de stock"
Usage: #definition
* insert MedidaSuministroPY(py-suministro-quiebre-stock, Quiebre de stock, [[Proporción de los días-artículo-depósito del período en que el saldo del artículo en el depósito (todos sus lotes) quedó en cero o menos al final del día (hora del Paraguay). Cada par depósito-artículo cuenta desde el día de su primer movimiento en el libro de stock.]], proportion)
* improvementNotation = http://terminology.hl7.org/CodeSystem/measure-improvement-notation#decrease
* group[0].population[0].code = http://terminology.hl7.org/CodeSystem/measure-population#initial-population
* group[0].population[0].description = "Días-artículo-depósito del período: por cada par depósito-artículo con movimientos (de los depósitos del reporter, de la región o todos los visibles; de los artículos de item, o todos), los días desde su primer movimiento (o desde el inicio del período) hasta el fin del período."
* group[0].population[0].criteria.language = #text/plain
* group[0].population[0].criteria.expression = "días-artículo-depósito"
* group[0].population[1].code = http://terminology.hl7.org/CodeSystem/measure-population#denominator
* group[0].population[1].description = "La población inicial."
* group[0].population[1].criteria.language = #text/plain
* group[0].population[1].criteria.expression = "initial-population"
* group[0].population[2].code = http://terminology.hl7.org/CodeSystem/measure-population#numerator
* group[0].population[2].description = "Los días en que el saldo al final del día fue ≤ 0."
* group[0].population[2].criteria.language = #text/plain
* group[0].population[2].criteria.expression = "saldo al final del día <= 0"

Instance: py-suministro-meses-stock
InstanceOf: Measure
Title: "Meses de stock"
Usage: #definition
* insert MedidaSuministroPY(py-suministro-meses-stock, Meses de stock, [[Stock disponible al fin del período dividido por el consumo mensual promedio del período (consumo = dispensaciones y consumos; meses calendario, un mes parcial cuenta su fracción de días). Es una razón de sumas sobre los pares depósito-artículo: tiene sentido para un artículo (parámetro item).]], ratio)
* group[0].population[0].code = http://terminology.hl7.org/CodeSystem/measure-population#initial-population
* group[0].population[0].description = "Pares depósito-artículo con movimientos hasta el fin del período."
* group[0].population[0].criteria.language = #text/plain
* group[0].population[0].criteria.expression = "pares depósito-artículo"
* group[0].population[1].code = http://terminology.hl7.org/CodeSystem/measure-population#numerator
* group[0].population[1].description = "Aporta su stock disponible al fin del período (la suma es el numerador del puntaje); el recuento dice cuántos pares tienen stock."
* group[0].population[1].criteria.language = #text/plain
* group[0].population[1].criteria.expression = "saldo al fin del período > 0"
* group[0].population[2].code = http://terminology.hl7.org/CodeSystem/measure-population#denominator
* group[0].population[2].description = "Aporta su consumo del período (la suma dividida por los meses del período es el denominador del puntaje); el recuento dice cuántos pares consumieron."
* group[0].population[2].criteria.language = #text/plain
* group[0].population[2].criteria.expression = "consumo del período > 0"

Instance: py-suministro-merma
InstanceOf: Measure
Title: "Merma"
Usage: #definition
* insert MedidaSuministroPY(py-suministro-merma, Merma, [[Proporción de lo dado de baja en el período (vencimiento, daño, pérdida, robo, excursión de temperatura, descarte por VVM) sobre lo dado de baja más lo consumido (dispensaciones y consumos), en unidades de los artículos.]], proportion)
* improvementNotation = http://terminology.hl7.org/CodeSystem/measure-improvement-notation#decrease
* group[0].population[0].code = http://terminology.hl7.org/CodeSystem/measure-population#initial-population
* group[0].population[0].description = "Unidades dadas de baja o consumidas en el período (los recuentos informan unidades redondeadas; el puntaje usa las cantidades exactas)."
* group[0].population[0].criteria.language = #text/plain
* group[0].population[0].criteria.expression = "motivos vencimiento, dano, perdida, robo, excursion-temperatura, vvm-descarte, dispensacion, consumo"
* group[0].population[1].code = http://terminology.hl7.org/CodeSystem/measure-population#denominator
* group[0].population[1].description = "La población inicial."
* group[0].population[1].criteria.language = #text/plain
* group[0].population[1].criteria.expression = "initial-population"
* group[0].population[2].code = http://terminology.hl7.org/CodeSystem/measure-population#numerator
* group[0].population[2].description = "Las unidades dadas de baja."
* group[0].population[2].criteria.language = #text/plain
* group[0].population[2].criteria.expression = "motivos vencimiento, dano, perdida, robo, excursion-temperatura, vvm-descarte"

Instance: py-suministro-rotacion
InstanceOf: Measure
Title: "Rotación del inventario"
Usage: #definition
* insert MedidaSuministroPY(py-suministro-rotacion, Rotación del inventario, [[Consumo del período (dispensaciones y consumos) dividido por el stock disponible promedio diario del período (los saldos al final de cada día, sumados sobre los pares depósito-artículo, divididos por los días del período): cuántas veces se renovó el stock en el período.]], ratio)
* improvementNotation = http://terminology.hl7.org/CodeSystem/measure-improvement-notation#increase
* group[0].population[0].code = http://terminology.hl7.org/CodeSystem/measure-population#initial-population
* group[0].population[0].description = "Pares depósito-artículo con movimientos hasta el fin del período."
* group[0].population[0].criteria.language = #text/plain
* group[0].population[0].criteria.expression = "pares depósito-artículo"
* group[0].population[1].code = http://terminology.hl7.org/CodeSystem/measure-population#numerator
* group[0].population[1].description = "Aporta su consumo del período (la suma es el numerador del puntaje); el recuento dice cuántos pares consumieron."
* group[0].population[1].criteria.language = #text/plain
* group[0].population[1].criteria.expression = "consumo del período > 0"
* group[0].population[2].code = http://terminology.hl7.org/CodeSystem/measure-population#denominator
* group[0].population[2].description = "Aporta sus saldos al final de cada día (la suma dividida por los días del período es el denominador del puntaje); el recuento dice cuántos pares tuvieron stock algún día."
* group[0].population[2].criteria.language = #text/plain
* group[0].population[2].criteria.expression = "saldo al final de algún día > 0"

Instance: location-supply-kpis
InstanceOf: OperationDefinition
Title: "Indicadores de suministros (Location/$supply-kpis)"
Description: "Por depósito, establecimiento o Región Sanitaria, y en total, sobre un período: quiebre de stock, meses de stock, merma y rotación del inventario."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/location-supply-kpis"
* name = "LocationSupplyKpis"
* title = "Indicadores de suministros (Location/$supply-kpis)"
* description = """Sobre el libro de stock de los depósitos cubiertos — uno (`Location/[id]/$supply-kpis`), los nombrados en `location`, los de un establecimiento (`organization`), los de una Región Sanitaria (`region`: la del depósito o la de su establecimiento), o todos los que el solicitante ve — y de los artículos de `item` (todos si falta), en el período [periodStart, periodEnd] (fechas, días enteros en Paraguay, UTC−03:00; el fin incluye su día; 731 días como máximo). Un par depósito-artículo cuenta desde el día de su primer movimiento (cualquier motivo); su saldo es la suma de sus lotes. `stockoutRate` = días-artículo-depósito con saldo ≤ 0 al final del día (`stockoutDays`) ÷ días-artículo-depósito (`storeItemDays`). `amc` = consumo (`consumption`: motivos dispensacion y consumo) ÷ meses del período (`months`: meses calendario, un mes parcial cuenta su fracción de días); `monthsOfStock` = stock disponible al fin del período (`stockOnHand`) ÷ `amc`. `wastageRate` = lo dado de baja (`writtenOff`: vencimiento, dano, perdida, robo, excursion-temperatura, vvm-descarte) ÷ (lo dado de baja + el consumo). `averageStock` = suma de los saldos al final de cada día del período ÷ días del período (`days`); `turnover` = consumo ÷ `averageStock`. Una razón sin denominador se omite. No son consumo ni merma las transferencias, las devoluciones, los hallazgos ni las diferencias de los recuentos. Acceso como las demás operaciones del stock: un cliente ligado a un establecimiento ve sus depósitos y los de los establecimientos que abastece; uno ligado a una región, los de su región; un cliente con solo alcances patient/ recibe 403. Errores: 400 si falta el período, si no son fechas, si termina antes de empezar, si dura más de 731 días o si un parámetro es inválido; 404 si un depósito nombrado no existe o no es visible; 422 too-costly con más de 5000 depósitos."""
* affectsState = false
* code = #supply-kpis
* resource = #Location
* system = false
* type = true
* instance = true
* parameter[0].name = #periodStart
* parameter[0].use = #in
* parameter[0].min = 1
* parameter[0].max = "1"
* parameter[0].type = #date
* parameter[0].documentation = "Primer día del período (Paraguay)."
* parameter[1].name = #periodEnd
* parameter[1].use = #in
* parameter[1].min = 1
* parameter[1].max = "1"
* parameter[1].type = #date
* parameter[1].documentation = "Último día del período (inclusive); 731 días como máximo desde periodStart."
* parameter[2].name = #item
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "*"
* parameter[2].type = #string
* parameter[2].documentation = "Artículos como `system|code` (py-articulo-suministro), 100 como máximo; todos si falta."
* parameter[3].name = #location
* parameter[3].use = #in
* parameter[3].min = 0
* parameter[3].max = "*"
* parameter[3].type = #Reference
* parameter[3].documentation = "Depósitos (Location), 100 como máximo (a nivel de tipo)."
* parameter[4].name = #organization
* parameter[4].use = #in
* parameter[4].min = 0
* parameter[4].max = "1"
* parameter[4].type = #Reference
* parameter[4].documentation = "Los depósitos de este establecimiento (Location.managingOrganization)."
* parameter[5].name = #region
* parameter[5].use = #in
* parameter[5].min = 0
* parameter[5].max = "1"
* parameter[5].type = #code
* parameter[5].documentation = "Solo los depósitos de esta Región Sanitaria (py-region-sanitaria del Location o de su Organization)."
* parameter[6].name = #groupBy
* parameter[6].use = #in
* parameter[6].min = 0
* parameter[6].max = "1"
* parameter[6].type = #code
* parameter[6].documentation = "location (por omisión), organization, region o none (solo el total)."
* parameter[7].name = #period
* parameter[7].use = #out
* parameter[7].min = 1
* parameter[7].max = "1"
* parameter[7].type = #Period
* parameter[7].documentation = "El período evaluado (instantes: de las 00:00 del primer día a las 23:59:59.999 del último, hora del Paraguay)."
* parameter[8].name = #days
* parameter[8].use = #out
* parameter[8].min = 1
* parameter[8].max = "1"
* parameter[8].type = #integer
* parameter[8].documentation = "Días del período."
* parameter[9].name = #months
* parameter[9].use = #out
* parameter[9].min = 1
* parameter[9].max = "1"
* parameter[9].type = #decimal
* parameter[9].documentation = "Meses del período (meses calendario; un mes parcial, su fracción de días)."
* parameter[10].name = #total
* parameter[10].use = #out
* parameter[10].min = 1
* parameter[10].max = "1"
* parameter[10].documentation = "Los números de todos los depósitos cubiertos: `stores`, `storeItems`, `storeItemDays`, `stockoutDays`, `stockoutRate`, `consumption`, `amc`, `stockOnHand`, `monthsOfStock`, `writtenOff`, `wastageRate`, `averageStock`, `turnover`."
* parameter[11].name = #group
* parameter[11].use = #out
* parameter[11].min = 0
* parameter[11].max = "*"
* parameter[11].documentation = "Un grupo por depósito (`location`, Reference), establecimiento (`organization`, Reference) o región (`region`, Coding), con las mismas partes que total; sin clave, los depósitos cuyo establecimiento o región no se conoce."
