CodeSystem: PYPuebloIndigenaCS
Id: py-pueblo-indigena
Title: "Pueblos indígenas del Paraguay (DGEEC)"
Description: """Pueblos indígenas con los códigos DGEEC del III Censo Nacional Indígena 2012, tal como los usa VigiCanPY (`GeoPuebloIndigenaPYCS`): el primer dígito es la familia lingüística (py-familia-linguistica). Se mantienen 54 "Toba" y 81 "Toba-Qom" como en la fuente (el censo lista 19 pueblos, la Política Nacional de Salud Indígena 20): la ambigüedad debe resolverla la DINASAPI/INE.
La propiedad `iso639-3` (lengua del pueblo) está **sin verificar** contra las tablas SIL ISO 639-3 y no debe usarse para validar."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-pueblo-indigena"
* ^property[0].code = #familia
* ^property[0].uri = "https://fhir.mspbs.gov.py/CodeSystem/py-familia-linguistica"
* ^property[0].description = "Familia lingüística (py-familia-linguistica)"
* ^property[0].type = #code
* ^property[1].code = #iso639-3
* ^property[1].description = "Código ISO 639-3 de la lengua (SIN VERIFICAR)"
* ^property[1].type = #code
* #41 "Aché"
* #41 ^property[0].code = #familia
* #41 ^property[0].valueCode = #4
* #41 ^property[1].code = #iso639-3
* #41 ^property[1].valueCode = #guq
* insert DesignacionesEsEn(41, Aché, Aché)
* #42 "Avá Guaraní"
* #42 ^property[0].code = #familia
* #42 ^property[0].valueCode = #4
* #42 ^property[1].code = #iso639-3
* #42 ^property[1].valueCode = #nhd
* insert DesignacionesEsEn(42, Avá Guaraní, Avá Guaraní)
* #43 "Mbyá Guaraní"
* #43 ^property[0].code = #familia
* #43 ^property[0].valueCode = #4
* #43 ^property[1].code = #iso639-3
* #43 ^property[1].valueCode = #gun
* insert DesignacionesEsEn(43, Mbyá Guaraní, Mbyá Guaraní)
* #44 "Pãi Tavyterã"
* #44 ^property[0].code = #familia
* #44 ^property[0].valueCode = #4
* #44 ^property[1].code = #iso639-3
* #44 ^property[1].valueCode = #pta
* insert DesignacionesEsEn(44, Pãi Tavyterã, Pãi Tavyterã)
* #45 "Guaraní Occidental"
* #45 ^property[0].code = #familia
* #45 ^property[0].valueCode = #4
* #45 ^property[1].code = #iso639-3
* #45 ^property[1].valueCode = #gnw
* insert DesignacionesEsEn(45, Guaraní Occidental, Guaraní Occidental)
* #46 "Guaraní Ñandeva"
* #46 ^property[0].code = #familia
* #46 ^property[0].valueCode = #4
* #46 ^property[1].code = #iso639-3
* #46 ^property[1].valueCode = #tpj
* insert DesignacionesEsEn(46, Guaraní Ñandeva, Guaraní Ñandeva)
* #51 "Enlhet Norte"
* #51 ^property[0].code = #familia
* #51 ^property[0].valueCode = #5
* #51 ^property[1].code = #iso639-3
* #51 ^property[1].valueCode = #enl
* insert DesignacionesEsEn(51, Enlhet Norte, Enlhet Norte)
* #52 "Enxet Sur"
* #52 ^property[0].code = #familia
* #52 ^property[0].valueCode = #5
* #52 ^property[1].code = #iso639-3
* #52 ^property[1].valueCode = #enx
* insert DesignacionesEsEn(52, Enxet Sur, Enxet Sur)
* #53 "Sanapaná"
* #53 ^property[0].code = #familia
* #53 ^property[0].valueCode = #5
* #53 ^property[1].code = #iso639-3
* #53 ^property[1].valueCode = #spn
* insert DesignacionesEsEn(53, Sanapaná, Sanapaná)
* #54 "Toba"
* #54 ^property[0].code = #familia
* #54 ^property[0].valueCode = #5
* insert DesignacionesEsEn(54, Toba, Toba)
* #55 "Angaité"
* #55 ^property[0].code = #familia
* #55 ^property[0].valueCode = #5
* #55 ^property[1].code = #iso639-3
* #55 ^property[1].valueCode = #aqt
* insert DesignacionesEsEn(55, Angaité, Angaité)
* #56 "Guaná"
* #56 ^property[0].code = #familia
* #56 ^property[0].valueCode = #5
* #56 ^property[1].code = #iso639-3
* #56 ^property[1].valueCode = #gva
* insert DesignacionesEsEn(56, Guaná, Guaná)
* #57 "Toba Maskoy"
* #57 ^property[0].code = #familia
* #57 ^property[0].valueCode = #5
* #57 ^property[1].code = #iso639-3
* #57 ^property[1].valueCode = #tmf
* insert DesignacionesEsEn(57, Toba Maskoy, Toba Maskoy)
* #61 "Nivaclé"
* #61 ^property[0].code = #familia
* #61 ^property[0].valueCode = #6
* #61 ^property[1].code = #iso639-3
* #61 ^property[1].valueCode = #cag
* insert DesignacionesEsEn(61, Nivaclé, Nivaclé)
* #62 "Maká"
* #62 ^property[0].code = #familia
* #62 ^property[0].valueCode = #6
* #62 ^property[1].code = #iso639-3
* #62 ^property[1].valueCode = #mca
* insert DesignacionesEsEn(62, Maká, Maká)
* #63 "Manjui"
* #63 ^property[0].code = #familia
* #63 ^property[0].valueCode = #6
* insert DesignacionesEsEn(63, Manjui, Manjui)
* #71 "Ayoreo"
* #71 ^property[0].code = #familia
* #71 ^property[0].valueCode = #7
* #71 ^property[1].code = #iso639-3
* #71 ^property[1].valueCode = #ayo
* insert DesignacionesEsEn(71, Ayoreo, Ayoreo)
* #72 "Ybytoso (Chamacoco)"
* #72 ^property[0].code = #familia
* #72 ^property[0].valueCode = #7
* #72 ^property[1].code = #iso639-3
* #72 ^property[1].valueCode = #ceg
* insert DesignacionesEsEn(72, Ybytoso (Chamacoco\), Ybytoso (Chamacoco\))
* #73 "Tomárãho (Chamacoco)"
* #73 ^property[0].code = #familia
* #73 ^property[0].valueCode = #7
* #73 ^property[1].code = #iso639-3
* #73 ^property[1].valueCode = #ceg
* insert DesignacionesEsEn(73, Tomárãho (Chamacoco\), Tomárãho (Chamacoco\))
* #81 "Toba-Qom (Qom)"
* #81 ^property[0].code = #familia
* #81 ^property[0].valueCode = #8
* #81 ^property[1].code = #iso639-3
* #81 ^property[1].valueCode = #tob
* insert DesignacionesEsEn(81, Toba-Qom (Qom\), Toba-Qom (Qom\))
* #0 "No aplica"
* insert DesignacionesEsEn(0, No aplica, Not applicable)

ValueSet: PYPuebloIndigenaVS
Id: py-pueblo-indigena
Title: "Pueblos indígenas del Paraguay"
Description: "Todos los pueblos de py-pueblo-indigena."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-pueblo-indigena"
* include codes from system PYPuebloIndigenaCS

CodeSystem: PYFamiliaLinguisticaCS
Id: py-familia-linguistica
Title: "Familias lingüísticas indígenas del Paraguay"
Description: "Las cinco familias lingüísticas de los pueblos indígenas del Paraguay (III Censo Nacional Indígena 2012; Secretaría de Políticas Lingüísticas). El código es el primer dígito del código DGEEC del pueblo."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-familia-linguistica"
* #4 "Guaraní"
* insert Designaciones(4, Guaraní, Guarani, Tupi-Guarani)
* #5 "Lengua Maskoy"
* insert DesignacionesEsEn(5, Lengua Maskoy, Lengua-Mascoy (Enlhet-Enenlhet\))
* #6 "Mataco Mataguayo"
* insert DesignacionesEsEn(6, Mataco Mataguayo, Mataco-Mataguayo (Matacoan\))
* #7 "Zamuco"
* insert DesignacionesEsEn(7, Zamuco, Zamucoan)
* #8 "Guaicurú"
* insert DesignacionesEsEn(8, Guaicurú, Guaicuruan)

ValueSet: PYFamiliaLinguisticaVS
Id: py-familia-linguistica
Title: "Familias lingüísticas"
Description: "Todas las familias de py-familia-linguistica."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-familia-linguistica"
* include codes from system PYFamiliaLinguisticaCS

ValueSet: PYIdiomaVS
Id: py-idioma
Title: "Idiomas de comunicación (Paraguay)"
Description: "Idiomas para Patient.communication y Practitioner.communication (BCP 47): castellano, guaraní (gn; gug = guaraní paraguayo) y lenguas indígenas (ISO 639-3, **sin verificar** contra SIL), más portugués e inglés para la atención en frontera. Enumerado para que se pueda expandir sin servidor de terminología."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-idioma"
* urn:ietf:bcp:47#es "Español"
* urn:ietf:bcp:47#es-PY "Español (Paraguay)"
* urn:ietf:bcp:47#gn "Guaraní"
* urn:ietf:bcp:47#gug "Guaraní paraguayo"
* urn:ietf:bcp:47#pt "Portugués"
* urn:ietf:bcp:47#pt-BR "Portugués (Brasil)"
* urn:ietf:bcp:47#en "Inglés"
* urn:ietf:bcp:47#guq "Aché"
* urn:ietf:bcp:47#nhd "Avá Guaraní (Chiripá)"
* urn:ietf:bcp:47#gun "Mbyá Guaraní"
* urn:ietf:bcp:47#pta "Pãi Tavyterã"
* urn:ietf:bcp:47#gnw "Guaraní occidental"
* urn:ietf:bcp:47#tpj "Guaraní ñandeva (Tapieté)"
* urn:ietf:bcp:47#enl "Enlhet"
* urn:ietf:bcp:47#enx "Enxet"
* urn:ietf:bcp:47#spn "Sanapaná"
* urn:ietf:bcp:47#aqt "Angaité"
* urn:ietf:bcp:47#tmf "Toba Maskoy"
* urn:ietf:bcp:47#cag "Nivaclé"
* urn:ietf:bcp:47#mca "Maká"
* urn:ietf:bcp:47#ayo "Ayoreo"
* urn:ietf:bcp:47#ceg "Chamacoco (Ybytoso, Tomárãho)"
* urn:ietf:bcp:47#tob "Qom (Toba)"

