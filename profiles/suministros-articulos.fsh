// Los artículos de suministro como recursos: medicamentos esenciales (Medication), lotes de vacuna (Medication, uno por
// lote), insumos y equipos (DeviceDefinition: el tipo de artículo del catálogo) y remedios de la medicina tradicional
// (Medication, con el nombre científico de la planta y su disponibilidad estacional). Su código es el mismo que nombra
// el artículo en los movimientos de stock. Ver la página "Suministros y stock", sección "Artículos".

// Un slice de CodeableConcept.coding por sistema: el código del catálogo de la guía (obligatorio, uno).
RuleSet: CodificacionPorSistema(path)
* {path}.coding ^slicing.discriminator[0].type = #value
* {path}.coding ^slicing.discriminator[0].path = "system"
* {path}.coding ^slicing.rules = #open
* {path}.coding ^slicing.description = "Por sistema de codificación: el catálogo de la guía, y otros (p. ej. ATC)"

RuleSet: CodigoDeCatalogo(path, slice, system)
* {path}.coding contains {slice} 1..1
* {path}.coding[{slice}].system 1..1
* {path}.coding[{slice}].system = "{system}" (exactly)
* {path}.coding[{slice}].code 1..1

Extension: PYNombreCientifico
Id: py-nombre-cientifico
Title: "Nombre científico de la planta"
Description: "El nombre científico (binomio y autor) de la planta medicinal de la que se hace un remedio de la medicina tradicional, p. ej. Aloysia polystachya (Griseb.) Moldenke. El catálogo py-remedio-tradicional lo da en la definición de cada código; aquí va en el recurso del artículo."
Context: Medication
* insert MetadatosPY
* value[x] 1..1
* value[x] only string

Extension: PYDisponibilidadEstacional
Id: py-disponibilidad-estacional
Title: "Disponibilidad estacional"
Description: """Los meses del año (1 = enero … 12 = diciembre) en que se puede recolectar la planta de un remedio de la medicina tradicional, en todo el país o, con `departamento`, en un departamento (DGEEC). Se repite por departamento. Orienta la reposición del stock: fuera de esos meses la planta fresca no se consigue. Es la forma estructurada de la propiedad `disponibilidadEstacional` del catálogo py-remedio-tradicional (`dic-abr` = meses 12, 1, 2, 3 y 4)."""
Context: Medication
* insert MetadatosPY
* extension contains mes 1..12 and departamento 0..1
* extension[mes] ^short = "Mes (1 = enero … 12 = diciembre) en que se puede recolectar la planta"
* extension[mes].value[x] 1..1
* extension[mes].value[x] only integer
* extension[mes] obeys py-mes-1
* extension[departamento] ^short = "Departamento (DGEEC) al que valen estos meses; sin él, todo el país"
* extension[departamento].value[x] 1..1
* extension[departamento].value[x] only Coding
* extension[departamento].valueCoding from PYDepartamentoVS (required)
* extension[departamento].valueCoding.system 1..1
* extension[departamento].valueCoding.code 1..1
* obeys py-art-1

Invariant: py-art-1
Description: "Cada mes se nombra una sola vez."
Expression: "extension.where(url = 'mes').value.isDistinct()"
Severity: #error

Profile: PYMedicamento
Parent: Medication
Id: py-medicamento
Title: "Medicamento esencial (Paraguay)"
Description: """Un medicamento de la Lista Nacional de Medicamentos Esenciales como recurso: su código del catálogo py-medicamento-esencial (slice `esencial`, obligatorio: el mismo código que nombra el artículo en los movimientos de stock) y, si se quiere, su código ATC (slice `atc`); la forma farmacéutica y la concentración de cada principio activo. El stock no se lleva por este recurso sino por el código (página Suministros y stock)."""
* insert MetadatosPY
* code 1..1
* code from PYMedicamentoEsencialVS (required)
* code ^short = "El medicamento: código de py-medicamento-esencial y, opcionalmente, ATC"
* insert CodificacionPorSistema(code)
* insert CodigoDeCatalogo(code, esencial, https://fhir.mspbs.gov.py/CodeSystem/py-medicamento-esencial)
* code.coding contains atc 0..1
* code.coding[atc].system 1..1
* code.coding[atc].system = "http://www.whocc.no/atc" (exactly)
* code.coding[atc].code 1..1
* code.coding[atc] ^short = "Código ATC (OMS) del principio activo"
* form 1..1
* form ^short = "Forma farmacéutica (cápsula, comprimido, ampolla …)"
* ingredient 1..*
* ingredient ^short = "Principio activo y su concentración"
* ingredient.item[x] only CodeableConcept
* ingredient.strength 1..1
* ingredient.strength.numerator 1..1
* ingredient.strength.numerator.value 1..1
* ingredient.strength.denominator 1..1
* ingredient.strength.denominator.value 1..1
* ingredient.strength ^short = "Concentración: p. ej. 500 mg por cápsula"

Profile: PYVacuna
Parent: Medication
Id: py-vacuna
Title: "Lote de vacuna (Paraguay)"
Description: """Un lote de una vacuna del PAI: su código del catálogo py-vacuna (slice `pai`, obligatorio), su número de lote y su fecha de vencimiento (`batch`, obligatorios: un recurso por lote) y su presentación (`amount`: dosis por frasco, p. ej. 10 dosis en 1 frasco; el stock se cuenta en dosis). El lote es el mismo que los movimientos de stock nombran en la extensión py-lote."""
* insert MetadatosPY
* code 1..1
* code from PYVacunaVS (required)
* code ^short = "La vacuna (py-vacuna)"
* insert CodificacionPorSistema(code)
* insert CodigoDeCatalogo(code, pai, https://fhir.mspbs.gov.py/CodeSystem/py-vacuna)
* batch 1..1
* batch ^short = "El lote: número y vencimiento"
* batch.lotNumber 1..1
* batch.lotNumber ^short = "Número de lote del fabricante (el de py-lote en los movimientos)"
* batch.expirationDate 1..1
* batch.expirationDate ^short = "Fecha de vencimiento del lote"
* amount 1..1
* amount ^short = "Presentación: dosis (numerator) por frasco (denominator)"
* amount.numerator 1..1
* amount.numerator.value 1..1
* amount.denominator 1..1
* amount.denominator.value 1..1
* obeys py-art-2

Invariant: py-art-2
Description: "La presentación tiene al menos una dosis por frasco."
Expression: "amount.numerator.value >= 1 and amount.denominator.value > 0"
Severity: #error

Profile: PYInsumo
Parent: DeviceDefinition
Id: py-insumo
Title: "Insumo o equipo (Paraguay)"
Description: """Un insumo o un equipo del catálogo py-insumo como tipo de artículo: lo que se compra, se recibe y se cuenta (la jeringa autodescartable de 0,5 ml, un modelo de refrigerador de vacunas). Es un DeviceDefinition y no un Device porque en FHIR R4 DeviceDefinition describe las características comunes de una clase o modelo de dispositivo —un artículo de catálogo—, mientras que Device es un ejemplar individual, con su número de serie, su ubicación, su dueño y su estado: el refrigerador de un vacunatorio concreto, que la cadena de frío registra como Device con `Device.definition` apuntando a este recurso y el mismo código en `Device.type`. Los insumos (jeringas, guantes) no se registran uno por uno: el libro de stock los cuenta por código y lote."""
* insert MetadatosPY
* type 1..1
* type from PYInsumoVS (required)
* type ^short = "El insumo o equipo (py-insumo)"
* insert CodificacionPorSistema(type)
* insert CodigoDeCatalogo(type, insumo, https://fhir.mspbs.gov.py/CodeSystem/py-insumo)
* deviceName 1..*
* deviceName ^short = "Nombre del artículo (p. ej. el nombre con que se pide)"
* quantity 0..1
* quantity ^short = "Unidades por envase (p. ej. 100 jeringas por caja)"

Profile: PYRemedioTradicional
Parent: Medication
Id: py-remedio-tradicional
Title: "Remedio de la medicina tradicional (Paraguay)"
Description: """Un remedio de la medicina tradicional hecho de una planta medicinal (pohã ñana): su código del catálogo py-remedio-tradicional (slice `remedio`, obligatorio: el mismo que nombra el artículo en los movimientos de stock), el nombre científico de la planta (py-nombre-cientifico) y los meses en que se puede recolectar (py-disponibilidad-estacional, en todo el país o por departamento). La forma (`form`) dice cómo se entrega: hojas secas, planta fresca, raíz."""
* insert MetadatosPY
* extension contains PYNombreCientifico named nombreCientifico 1..1 and PYDisponibilidadEstacional named disponibilidadEstacional 0..*
* extension[nombreCientifico] ^short = "Nombre científico de la planta"
* extension[disponibilidadEstacional] ^short = "Meses de recolección (en todo el país o por departamento)"
* code 1..1
* code from PYRemedioTradicionalVS (required)
* code ^short = "El remedio (py-remedio-tradicional)"
* insert CodificacionPorSistema(code)
* insert CodigoDeCatalogo(code, remedio, https://fhir.mspbs.gov.py/CodeSystem/py-remedio-tradicional)
* form ^short = "Cómo se entrega: hojas secas, planta fresca, raíz …"
