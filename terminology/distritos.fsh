CodeSystem: PYDistritoCS
Id: py-distrito
Title: "Distritos del Paraguay (DGEEC)"
Description: """Distritos (municipios) del Paraguay con el código DGEEC `DDNN` (departamento + número de distrito; 0 = Asunción), tal como los publica VigiCanPY (`GeoCiudadesPYCS`, MSPBS). Los nombres se reproducen como en la fuente (mayúsculas, sin tildes en la mayoría).
Cobertura: 262 códigos, Asunción (0) y 261 distritos de los departamentos 1 a 17. La propiedad `departamento` es el código DGEEC del departamento (los dígitos antes de los dos últimos).
Faltan los códigos que la fuente no trae (p. ej. 1501, 1601, 1603, 1703) y los distritos creados después de su publicación; el código 9999 "NO SUMINISTRADO" de la fuente no se incluye (use la extensión data-absent-reason)."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-distrito"
* ^property[0].code = #departamento
* ^property[0].uri = "https://fhir.mspbs.gov.py/CodeSystem/py-departamento"
* ^property[0].description = "Departamento (código DGEEC de py-departamento)"
* ^property[0].type = #code
* #0 "ASUNCION"
* #0 ^property[0].code = #departamento
* #0 ^property[0].valueCode = #0
* #101 "CONCEPCION"
* #101 ^property[0].code = #departamento
* #101 ^property[0].valueCode = #1
* #102 "BELEN"
* #102 ^property[0].code = #departamento
* #102 ^property[0].valueCode = #1
* #103 "HORQUETA"
* #103 ^property[0].code = #departamento
* #103 ^property[0].valueCode = #1
* #104 "LORETO"
* #104 ^property[0].code = #departamento
* #104 ^property[0].valueCode = #1
* #105 "SAN CARLOS"
* #105 ^property[0].code = #departamento
* #105 ^property[0].valueCode = #1
* #106 "SAN LAZARO"
* #106 ^property[0].code = #departamento
* #106 ^property[0].valueCode = #1
* #107 "YBY YAU"
* #107 ^property[0].code = #departamento
* #107 ^property[0].valueCode = #1
* #108 "AZOTEY"
* #108 ^property[0].code = #departamento
* #108 ^property[0].valueCode = #1
* #109 "SARGENTO JOSE FELIX LOPEZ"
* #109 ^property[0].code = #departamento
* #109 ^property[0].valueCode = #1
* #110 "SAN ALFREDO"
* #110 ^property[0].code = #departamento
* #110 ^property[0].valueCode = #1
* #111 "PASO BARRETO"
* #111 ^property[0].code = #departamento
* #111 ^property[0].valueCode = #1
* #112 "ARROYITO"
* #112 ^property[0].code = #departamento
* #112 ^property[0].valueCode = #1
* #113 "PASO HORQUETA"
* #113 ^property[0].code = #departamento
* #113 ^property[0].valueCode = #1
* #201 "SAN PEDRO DEL YCUAMANDYYU"
* #201 ^property[0].code = #departamento
* #201 ^property[0].valueCode = #2
* #202 "ANTEQUERA"
* #202 ^property[0].code = #departamento
* #202 ^property[0].valueCode = #2
* #203 "CHORE"
* #203 ^property[0].code = #departamento
* #203 ^property[0].valueCode = #2
* #204 "GENERAL ELIZARDO AQUINO"
* #204 ^property[0].code = #departamento
* #204 ^property[0].valueCode = #2
* #205 "ITACURUBI DEL ROSARIO"
* #205 ^property[0].code = #departamento
* #205 ^property[0].valueCode = #2
* #206 "LIMA"
* #206 ^property[0].code = #departamento
* #206 ^property[0].valueCode = #2
* #207 "NUEVA GERMANIA"
* #207 ^property[0].code = #departamento
* #207 ^property[0].valueCode = #2
* #208 "SAN ESTANISLAO"
* #208 ^property[0].code = #departamento
* #208 ^property[0].valueCode = #2
* #209 "SAN PABLO"
* #209 ^property[0].code = #departamento
* #209 ^property[0].valueCode = #2
* #210 "TACUATI"
* #210 ^property[0].code = #departamento
* #210 ^property[0].valueCode = #2
* #211 "UNION"
* #211 ^property[0].code = #departamento
* #211 ^property[0].valueCode = #2
* #212 "25 DE DICIEMBRE"
* #212 ^property[0].code = #departamento
* #212 ^property[0].valueCode = #2
* #213 "VILLA DEL ROSARIO"
* #213 ^property[0].code = #departamento
* #213 ^property[0].valueCode = #2
* #214 "GENERAL FRANCISCO ISIDORO RESQUIN"
* #214 ^property[0].code = #departamento
* #214 ^property[0].valueCode = #2
* #215 "YATAITY DEL NORTE"
* #215 ^property[0].code = #departamento
* #215 ^property[0].valueCode = #2
* #216 "GUAJAYVI"
* #216 ^property[0].code = #departamento
* #216 ^property[0].valueCode = #2
* #217 "CAPIIBARY"
* #217 ^property[0].code = #departamento
* #217 ^property[0].valueCode = #2
* #218 "SANTA ROSA DEL AGUARAY"
* #218 ^property[0].code = #departamento
* #218 ^property[0].valueCode = #2
* #219 "YRYBUCUA"
* #219 ^property[0].code = #departamento
* #219 ^property[0].valueCode = #2
* #220 "LIBERACION"
* #220 ^property[0].code = #departamento
* #220 ^property[0].valueCode = #2
* #221 "SAN VICENTE PANCHOLO"
* #221 ^property[0].code = #departamento
* #221 ^property[0].valueCode = #2
* #222 "SAN JOSÉ DEL ROSARIO"
* #222 ^property[0].code = #departamento
* #222 ^property[0].valueCode = #2
* #301 "CAACUPE"
* #301 ^property[0].code = #departamento
* #301 ^property[0].valueCode = #3
* #302 "ALTOS"
* #302 ^property[0].code = #departamento
* #302 ^property[0].valueCode = #3
* #303 "ARROYOS Y ESTEROS"
* #303 ^property[0].code = #departamento
* #303 ^property[0].valueCode = #3
* #304 "ATYRA"
* #304 ^property[0].code = #departamento
* #304 ^property[0].valueCode = #3
* #305 "CARAGUATAY"
* #305 ^property[0].code = #departamento
* #305 ^property[0].valueCode = #3
* #306 "EMBOSCADA"
* #306 ^property[0].code = #departamento
* #306 ^property[0].valueCode = #3
* #307 "EUSEBIO AYALA"
* #307 ^property[0].code = #departamento
* #307 ^property[0].valueCode = #3
* #308 "ISLA PUCU"
* #308 ^property[0].code = #departamento
* #308 ^property[0].valueCode = #3
* #309 "ITACURUBI DE LA CORDILLERA"
* #309 ^property[0].code = #departamento
* #309 ^property[0].valueCode = #3
* #310 "JUAN DE MENA"
* #310 ^property[0].code = #departamento
* #310 ^property[0].valueCode = #3
* #311 "LOMA GRANDE"
* #311 ^property[0].code = #departamento
* #311 ^property[0].valueCode = #3
* #312 "MBOCAYATY DEL YHAGUY"
* #312 ^property[0].code = #departamento
* #312 ^property[0].valueCode = #3
* #313 "NUEVA COLOMBIA"
* #313 ^property[0].code = #departamento
* #313 ^property[0].valueCode = #3
* #314 "PIRIBEBUY"
* #314 ^property[0].code = #departamento
* #314 ^property[0].valueCode = #3
* #315 "PRIMERO DE MARZO"
* #315 ^property[0].code = #departamento
* #315 ^property[0].valueCode = #3
* #316 "SAN BERNARDINO"
* #316 ^property[0].code = #departamento
* #316 ^property[0].valueCode = #3
* #317 "SANTA ELENA"
* #317 ^property[0].code = #departamento
* #317 ^property[0].valueCode = #3
* #318 "TOBATI"
* #318 ^property[0].code = #departamento
* #318 ^property[0].valueCode = #3
* #319 "VALENZUELA"
* #319 ^property[0].code = #departamento
* #319 ^property[0].valueCode = #3
* #320 "SAN JOSE OBRERO"
* #320 ^property[0].code = #departamento
* #320 ^property[0].valueCode = #3
* #401 "VILLARRICA"
* #401 ^property[0].code = #departamento
* #401 ^property[0].valueCode = #4
* #402 "BORJA"
* #402 ^property[0].code = #departamento
* #402 ^property[0].valueCode = #4
* #403 "CAPITAN MAURICIO JOSE TROCHE"
* #403 ^property[0].code = #departamento
* #403 ^property[0].valueCode = #4
* #404 "CORONEL MARTINEZ"
* #404 ^property[0].code = #departamento
* #404 ^property[0].valueCode = #4
* #405 "FELIX PEREZ CARDOZO"
* #405 ^property[0].code = #departamento
* #405 ^property[0].valueCode = #4
* #406 "GRAL. EUGENIO A. GARAY"
* #406 ^property[0].code = #departamento
* #406 ^property[0].valueCode = #4
* #407 "INDEPENDENCIA"
* #407 ^property[0].code = #departamento
* #407 ^property[0].valueCode = #4
* #408 "ITAPE"
* #408 ^property[0].code = #departamento
* #408 ^property[0].valueCode = #4
* #409 "ITURBE"
* #409 ^property[0].code = #departamento
* #409 ^property[0].valueCode = #4
* #410 "JOSE FASSARDI"
* #410 ^property[0].code = #departamento
* #410 ^property[0].valueCode = #4
* #411 "MBOCAYATY"
* #411 ^property[0].code = #departamento
* #411 ^property[0].valueCode = #4
* #412 "NATALICIO TALAVERA"
* #412 ^property[0].code = #departamento
* #412 ^property[0].valueCode = #4
* #413 "ÑUMI"
* #413 ^property[0].code = #departamento
* #413 ^property[0].valueCode = #4
* #414 "SAN SALVADOR"
* #414 ^property[0].code = #departamento
* #414 ^property[0].valueCode = #4
* #415 "YATAITY"
* #415 ^property[0].code = #departamento
* #415 ^property[0].valueCode = #4
* #416 "DOCTOR BOTTRELL"
* #416 ^property[0].code = #departamento
* #416 ^property[0].valueCode = #4
* #417 "PASO YOBAI"
* #417 ^property[0].code = #departamento
* #417 ^property[0].valueCode = #4
* #418 "TEBICUARY"
* #418 ^property[0].code = #departamento
* #418 ^property[0].valueCode = #4
* #501 "CORONEL OVIEDO"
* #501 ^property[0].code = #departamento
* #501 ^property[0].valueCode = #5
* #502 "CAAGUAZU"
* #502 ^property[0].code = #departamento
* #502 ^property[0].valueCode = #5
* #503 "CARAYAO"
* #503 ^property[0].code = #departamento
* #503 ^property[0].valueCode = #5
* #504 "DR. CECILIO BAEZ"
* #504 ^property[0].code = #departamento
* #504 ^property[0].valueCode = #5
* #505 "SANTA ROSA DEL MBUTUY"
* #505 ^property[0].code = #departamento
* #505 ^property[0].valueCode = #5
* #506 "DR. JUAN MANUEL FRUTOS"
* #506 ^property[0].code = #departamento
* #506 ^property[0].valueCode = #5
* #507 "REPATRIACION"
* #507 ^property[0].code = #departamento
* #507 ^property[0].valueCode = #5
* #508 "NUEVA LONDRES"
* #508 ^property[0].code = #departamento
* #508 ^property[0].valueCode = #5
* #509 "SAN JOAQUIN"
* #509 ^property[0].code = #departamento
* #509 ^property[0].valueCode = #5
* #510 "SAN JOSE DE LOS ARROYOS"
* #510 ^property[0].code = #departamento
* #510 ^property[0].valueCode = #5
* #511 "YHU"
* #511 ^property[0].code = #departamento
* #511 ^property[0].valueCode = #5
* #512 "DR. J. EULOGIO ESTIGARRIBIA"
* #512 ^property[0].code = #departamento
* #512 ^property[0].valueCode = #5
* #513 "R.I. 3 CORRALES"
* #513 ^property[0].code = #departamento
* #513 ^property[0].valueCode = #5
* #514 "RAUL ARSENIO OVIEDO"
* #514 ^property[0].code = #departamento
* #514 ^property[0].valueCode = #5
* #515 "JOSE DOMINGO OCAMPOS"
* #515 ^property[0].code = #departamento
* #515 ^property[0].valueCode = #5
* #516 "MCAL. FRANCISCO SOLANO LOPEZ"
* #516 ^property[0].code = #departamento
* #516 ^property[0].valueCode = #5
* #517 "LA PASTORA"
* #517 ^property[0].code = #departamento
* #517 ^property[0].valueCode = #5
* #518 "3 DE FEBRERO"
* #518 ^property[0].code = #departamento
* #518 ^property[0].valueCode = #5
* #519 "SIMON BOLIVAR"
* #519 ^property[0].code = #departamento
* #519 ^property[0].valueCode = #5
* #520 "VAQUERIA"
* #520 ^property[0].code = #departamento
* #520 ^property[0].valueCode = #5
* #521 "TEMBIAPORA"
* #521 ^property[0].code = #departamento
* #521 ^property[0].valueCode = #5
* #522 "NUEVA TOLEDO"
* #522 ^property[0].code = #departamento
* #522 ^property[0].valueCode = #5
* #601 "CAAZAPA"
* #601 ^property[0].code = #departamento
* #601 ^property[0].valueCode = #6
* #602 "ABAI"
* #602 ^property[0].code = #departamento
* #602 ^property[0].valueCode = #6
* #603 "BUENA VISTA"
* #603 ^property[0].code = #departamento
* #603 ^property[0].valueCode = #6
* #604 "MOISES BERTONI"
* #604 ^property[0].code = #departamento
* #604 ^property[0].valueCode = #6
* #605 "GENERAL HIGINIO MORINIGO"
* #605 ^property[0].code = #departamento
* #605 ^property[0].valueCode = #6
* #606 "MACIEL"
* #606 ^property[0].code = #departamento
* #606 ^property[0].valueCode = #6
* #607 "SAN JUAN NEPOMUCENO"
* #607 ^property[0].code = #departamento
* #607 ^property[0].valueCode = #6
* #608 "TAVAI"
* #608 ^property[0].code = #departamento
* #608 ^property[0].valueCode = #6
* #609 "FULGENCIO YEGROS"
* #609 ^property[0].code = #departamento
* #609 ^property[0].valueCode = #6
* #610 "YUTY"
* #610 ^property[0].code = #departamento
* #610 ^property[0].valueCode = #6
* #611 "3 DE MAYO"
* #611 ^property[0].code = #departamento
* #611 ^property[0].valueCode = #6
* #701 "ENCARNACION"
* #701 ^property[0].code = #departamento
* #701 ^property[0].valueCode = #7
* #702 "BELLA VISTA SUR"
* #702 ^property[0].code = #departamento
* #702 ^property[0].valueCode = #7
* #703 "CAMBYRETA"
* #703 ^property[0].code = #departamento
* #703 ^property[0].valueCode = #7
* #704 "CAPITAN MEZA"
* #704 ^property[0].code = #departamento
* #704 ^property[0].valueCode = #7
* #705 "CAPITAN MIRANDA"
* #705 ^property[0].code = #departamento
* #705 ^property[0].valueCode = #7
* #706 "NUEVA ALBORADA"
* #706 ^property[0].code = #departamento
* #706 ^property[0].valueCode = #7
* #707 "CARMEN DEL PARANA"
* #707 ^property[0].code = #departamento
* #707 ^property[0].valueCode = #7
* #708 "CORONEL BOGADO"
* #708 ^property[0].code = #departamento
* #708 ^property[0].valueCode = #7
* #709 "CARLOS ANTONIO LOPEZ"
* #709 ^property[0].code = #departamento
* #709 ^property[0].valueCode = #7
* #710 "NATALIO"
* #710 ^property[0].code = #departamento
* #710 ^property[0].valueCode = #7
* #711 "FRAM"
* #711 ^property[0].code = #departamento
* #711 ^property[0].valueCode = #7
* #712 "GENERAL ARTIGAS"
* #712 ^property[0].code = #departamento
* #712 ^property[0].valueCode = #7
* #713 "GENERAL DELGADO"
* #713 ^property[0].code = #departamento
* #713 ^property[0].valueCode = #7
* #714 "HOHENAU"
* #714 ^property[0].code = #departamento
* #714 ^property[0].valueCode = #7
* #715 "JESUS"
* #715 ^property[0].code = #departamento
* #715 ^property[0].valueCode = #7
* #716 "LEANDRO OVIEDO"
* #716 ^property[0].code = #departamento
* #716 ^property[0].valueCode = #7
* #717 "OBLIGADO"
* #717 ^property[0].code = #departamento
* #717 ^property[0].valueCode = #7
* #718 "MAYOR JULIO DIONISIO OTAÑO"
* #718 ^property[0].code = #departamento
* #718 ^property[0].valueCode = #7
* #719 "SAN COSME Y DAMIAN"
* #719 ^property[0].code = #departamento
* #719 ^property[0].valueCode = #7
* #720 "SAN PEDRO DEL PARANA"
* #720 ^property[0].code = #departamento
* #720 ^property[0].valueCode = #7
* #721 "SAN RAFAEL DEL PARANA"
* #721 ^property[0].code = #departamento
* #721 ^property[0].valueCode = #7
* #722 "TRINIDAD"
* #722 ^property[0].code = #departamento
* #722 ^property[0].valueCode = #7
* #723 "EDELIRA"
* #723 ^property[0].code = #departamento
* #723 ^property[0].valueCode = #7
* #724 "TOMAS ROMERO PEREIRA"
* #724 ^property[0].code = #departamento
* #724 ^property[0].valueCode = #7
* #725 "ALTO VERA"
* #725 ^property[0].code = #departamento
* #725 ^property[0].valueCode = #7
* #726 "LA PAZ"
* #726 ^property[0].code = #departamento
* #726 ^property[0].valueCode = #7
* #727 "YATYTAY"
* #727 ^property[0].code = #departamento
* #727 ^property[0].valueCode = #7
* #728 "SAN JUAN DEL PARANA"
* #728 ^property[0].code = #departamento
* #728 ^property[0].valueCode = #7
* #729 "PIRAPO"
* #729 ^property[0].code = #departamento
* #729 ^property[0].valueCode = #7
* #730 "ITAPUA POTY"
* #730 ^property[0].code = #departamento
* #730 ^property[0].valueCode = #7
* #801 "SAN JUAN BAUTISTA"
* #801 ^property[0].code = #departamento
* #801 ^property[0].valueCode = #8
* #802 "AYOLAS"
* #802 ^property[0].code = #departamento
* #802 ^property[0].valueCode = #8
* #803 "SAN IGNACIO"
* #803 ^property[0].code = #departamento
* #803 ^property[0].valueCode = #8
* #804 "SAN MIGUEL"
* #804 ^property[0].code = #departamento
* #804 ^property[0].valueCode = #8
* #805 "SAN PATRICIO"
* #805 ^property[0].code = #departamento
* #805 ^property[0].valueCode = #8
* #806 "SANTA MARIA"
* #806 ^property[0].code = #departamento
* #806 ^property[0].valueCode = #8
* #807 "SANTA ROSA"
* #807 ^property[0].code = #departamento
* #807 ^property[0].valueCode = #8
* #808 "SANTIAGO"
* #808 ^property[0].code = #departamento
* #808 ^property[0].valueCode = #8
* #809 "VILLA FLORIDA"
* #809 ^property[0].code = #departamento
* #809 ^property[0].valueCode = #8
* #810 "YABEBYRY"
* #810 ^property[0].code = #departamento
* #810 ^property[0].valueCode = #8
* #901 "PARAGUARI"
* #901 ^property[0].code = #departamento
* #901 ^property[0].valueCode = #9
* #902 "ACAHAY"
* #902 ^property[0].code = #departamento
* #902 ^property[0].valueCode = #9
* #903 "CAAPUCU"
* #903 ^property[0].code = #departamento
* #903 ^property[0].valueCode = #9
* #904 "GENERAL BERNARDINO CABALLERO"
* #904 ^property[0].code = #departamento
* #904 ^property[0].valueCode = #9
* #905 "CARAPEGUA"
* #905 ^property[0].code = #departamento
* #905 ^property[0].valueCode = #9
* #906 "ESCOBAR"
* #906 ^property[0].code = #departamento
* #906 ^property[0].valueCode = #9
* #907 "LA COLMENA"
* #907 ^property[0].code = #departamento
* #907 ^property[0].valueCode = #9
* #908 "MBUYAPEY"
* #908 ^property[0].code = #departamento
* #908 ^property[0].valueCode = #9
* #909 "PIRAYU"
* #909 ^property[0].code = #departamento
* #909 ^property[0].valueCode = #9
* #910 "QUINDY"
* #910 ^property[0].code = #departamento
* #910 ^property[0].valueCode = #9
* #911 "QUYQUYHO"
* #911 ^property[0].code = #departamento
* #911 ^property[0].valueCode = #9
* #912 "SAN ROQUE GONZALEZ DE SANTACRUZ"
* #912 ^property[0].code = #departamento
* #912 ^property[0].valueCode = #9
* #913 "SAPUCAI"
* #913 ^property[0].code = #departamento
* #913 ^property[0].valueCode = #9
* #914 "TEBICUARY-MI"
* #914 ^property[0].code = #departamento
* #914 ^property[0].valueCode = #9
* #915 "YAGUARON"
* #915 ^property[0].code = #departamento
* #915 ^property[0].valueCode = #9
* #916 "YBYCUI"
* #916 ^property[0].code = #departamento
* #916 ^property[0].valueCode = #9
* #917 "YBYTYMI"
* #917 ^property[0].code = #departamento
* #917 ^property[0].valueCode = #9
* #918 "MARIA ANTONIA"
* #918 ^property[0].code = #departamento
* #918 ^property[0].valueCode = #9
* #1001 "CIUDAD DEL ESTE"
* #1001 ^property[0].code = #departamento
* #1001 ^property[0].valueCode = #10
* #1002 "PRESIDENTE FRANCO"
* #1002 ^property[0].code = #departamento
* #1002 ^property[0].valueCode = #10
* #1003 "DOMINGO MARTINEZ DE IRALA"
* #1003 ^property[0].code = #departamento
* #1003 ^property[0].valueCode = #10
* #1004 "DR. JUAN LEON MALLORQUIN"
* #1004 ^property[0].code = #departamento
* #1004 ^property[0].valueCode = #10
* #1005 "HERNANDARIAS"
* #1005 ^property[0].code = #departamento
* #1005 ^property[0].valueCode = #10
* #1006 "ITAKYRY"
* #1006 ^property[0].code = #departamento
* #1006 ^property[0].valueCode = #10
* #1007 "JUAN E. OLEARY"
* #1007 ^property[0].code = #departamento
* #1007 ^property[0].valueCode = #10
* #1008 "ÑACUNDAY"
* #1008 ^property[0].code = #departamento
* #1008 ^property[0].valueCode = #10
* #1009 "YGUAZU"
* #1009 ^property[0].code = #departamento
* #1009 ^property[0].valueCode = #10
* #1010 "LOS CEDRALES"
* #1010 ^property[0].code = #departamento
* #1010 ^property[0].valueCode = #10
* #1011 "MINGA GUAZU"
* #1011 ^property[0].code = #departamento
* #1011 ^property[0].valueCode = #10
* #1012 "SAN CRISTOBAL"
* #1012 ^property[0].code = #departamento
* #1012 ^property[0].valueCode = #10
* #1013 "SANTA RITA"
* #1013 ^property[0].code = #departamento
* #1013 ^property[0].valueCode = #10
* #1014 "NARANJAL"
* #1014 ^property[0].code = #departamento
* #1014 ^property[0].valueCode = #10
* #1015 "SANTA ROSA DEL MONDAY"
* #1015 ^property[0].code = #departamento
* #1015 ^property[0].valueCode = #10
* #1016 "MINGA PORA"
* #1016 ^property[0].code = #departamento
* #1016 ^property[0].valueCode = #10
* #1017 "MBARACAYU"
* #1017 ^property[0].code = #departamento
* #1017 ^property[0].valueCode = #10
* #1018 "SAN ALBERTO"
* #1018 ^property[0].code = #departamento
* #1018 ^property[0].valueCode = #10
* #1019 "IRUÑA"
* #1019 ^property[0].code = #departamento
* #1019 ^property[0].valueCode = #10
* #1020 "SANTA FE DEL PARANA"
* #1020 ^property[0].code = #departamento
* #1020 ^property[0].valueCode = #10
* #1021 "TAVAPY"
* #1021 ^property[0].code = #departamento
* #1021 ^property[0].valueCode = #10
* #1022 "DR. RAUL PEÑA"
* #1022 ^property[0].code = #departamento
* #1022 ^property[0].valueCode = #10
* #1101 "AREGUA"
* #1101 ^property[0].code = #departamento
* #1101 ^property[0].valueCode = #11
* #1102 "CAPIATA"
* #1102 ^property[0].code = #departamento
* #1102 ^property[0].valueCode = #11
* #1103 "FERNANDO DE LA MORA"
* #1103 ^property[0].code = #departamento
* #1103 ^property[0].valueCode = #11
* #1104 "GUARAMBARE"
* #1104 ^property[0].code = #departamento
* #1104 ^property[0].valueCode = #11
* #1105 "ITÁ"
* #1105 ^property[0].code = #departamento
* #1105 ^property[0].valueCode = #11
* #1106 "ITAUGUA"
* #1106 ^property[0].code = #departamento
* #1106 ^property[0].valueCode = #11
* #1107 "LAMBARE"
* #1107 ^property[0].code = #departamento
* #1107 ^property[0].valueCode = #11
* #1108 "LIMPIO"
* #1108 ^property[0].code = #departamento
* #1108 ^property[0].valueCode = #11
* #1109 "LUQUE"
* #1109 ^property[0].code = #departamento
* #1109 ^property[0].valueCode = #11
* #1110 "MARIANO ROQUE ALONSO"
* #1110 ^property[0].code = #departamento
* #1110 ^property[0].valueCode = #11
* #1111 "NUEVA ITALIA"
* #1111 ^property[0].code = #departamento
* #1111 ^property[0].valueCode = #11
* #1112 "ÑEMBY"
* #1112 ^property[0].code = #departamento
* #1112 ^property[0].valueCode = #11
* #1113 "SAN ANTONIO"
* #1113 ^property[0].code = #departamento
* #1113 ^property[0].valueCode = #11
* #1114 "SAN LORENZO"
* #1114 ^property[0].code = #departamento
* #1114 ^property[0].valueCode = #11
* #1115 "VILLA ELISA"
* #1115 ^property[0].code = #departamento
* #1115 ^property[0].valueCode = #11
* #1116 "VILLETA"
* #1116 ^property[0].code = #departamento
* #1116 ^property[0].valueCode = #11
* #1117 "YPACARAI"
* #1117 ^property[0].code = #departamento
* #1117 ^property[0].valueCode = #11
* #1118 "YPANE"
* #1118 ^property[0].code = #departamento
* #1118 ^property[0].valueCode = #11
* #1119 "J. AUGUSTO SALDIVAR"
* #1119 ^property[0].code = #departamento
* #1119 ^property[0].valueCode = #11
* #1201 "PILAR"
* #1201 ^property[0].code = #departamento
* #1201 ^property[0].valueCode = #12
* #1202 "ALBERDI"
* #1202 ^property[0].code = #departamento
* #1202 ^property[0].valueCode = #12
* #1203 "CERRITO"
* #1203 ^property[0].code = #departamento
* #1203 ^property[0].valueCode = #12
* #1204 "DESMOCHADOS"
* #1204 ^property[0].code = #departamento
* #1204 ^property[0].valueCode = #12
* #1205 "GRAL. JOSE EDUVIGIS DIAZ"
* #1205 ^property[0].code = #departamento
* #1205 ^property[0].valueCode = #12
* #1206 "GUAZU CUA"
* #1206 ^property[0].code = #departamento
* #1206 ^property[0].valueCode = #12
* #1207 "HUMAITA"
* #1207 ^property[0].code = #departamento
* #1207 ^property[0].valueCode = #12
* #1208 "ISLA UMBU"
* #1208 ^property[0].code = #departamento
* #1208 ^property[0].valueCode = #12
* #1209 "LAURELES"
* #1209 ^property[0].code = #departamento
* #1209 ^property[0].valueCode = #12
* #1210 "MAYOR JOSE DEJESUS MARTINEZ"
* #1210 ^property[0].code = #departamento
* #1210 ^property[0].valueCode = #12
* #1211 "PASO DE PATRIA"
* #1211 ^property[0].code = #departamento
* #1211 ^property[0].valueCode = #12
* #1212 "SAN JUAN BAUTISTA DE ÑEEMBUCU"
* #1212 ^property[0].code = #departamento
* #1212 ^property[0].valueCode = #12
* #1213 "TACUARAS"
* #1213 ^property[0].code = #departamento
* #1213 ^property[0].valueCode = #12
* #1214 "VILLA FRANCA"
* #1214 ^property[0].code = #departamento
* #1214 ^property[0].valueCode = #12
* #1215 "VILLA OLIVA"
* #1215 ^property[0].code = #departamento
* #1215 ^property[0].valueCode = #12
* #1216 "VILLALBIN"
* #1216 ^property[0].code = #departamento
* #1216 ^property[0].valueCode = #12
* #1301 "PEDRO JUAN CABALLERO"
* #1301 ^property[0].code = #departamento
* #1301 ^property[0].valueCode = #13
* #1302 "BELLA VISTA"
* #1302 ^property[0].code = #departamento
* #1302 ^property[0].valueCode = #13
* #1303 "CAPITAN BADO"
* #1303 ^property[0].code = #departamento
* #1303 ^property[0].valueCode = #13
* #1304 "ZANJA PYTA"
* #1304 ^property[0].code = #departamento
* #1304 ^property[0].valueCode = #13
* #1305 "KARAPAI"
* #1305 ^property[0].code = #departamento
* #1305 ^property[0].valueCode = #13
* #1306 "CERRO CORÁ"
* #1306 ^property[0].code = #departamento
* #1306 ^property[0].valueCode = #13
* #1401 "SALTO DEL GUAIRA"
* #1401 ^property[0].code = #departamento
* #1401 ^property[0].valueCode = #14
* #1402 "CORPUS CHRISTI"
* #1402 ^property[0].code = #departamento
* #1402 ^property[0].valueCode = #14
* #1403 "CURUGUATY"
* #1403 ^property[0].code = #departamento
* #1403 ^property[0].valueCode = #14
* #1404 "VILLA YGATIMI"
* #1404 ^property[0].code = #departamento
* #1404 ^property[0].valueCode = #14
* #1405 "ITANARA"
* #1405 ^property[0].code = #departamento
* #1405 ^property[0].valueCode = #14
* #1406 "YPE JHU"
* #1406 ^property[0].code = #departamento
* #1406 ^property[0].valueCode = #14
* #1407 "FRANCISCO CABALLERO"
* #1407 ^property[0].code = #departamento
* #1407 ^property[0].valueCode = #14
* #1408 "KATUETE"
* #1408 ^property[0].code = #departamento
* #1408 ^property[0].valueCode = #14
* #1409 "LA PALOMA DEL ESPIRITU SANTO"
* #1409 ^property[0].code = #departamento
* #1409 ^property[0].valueCode = #14
* #1410 "NUEVA ESPERANZA"
* #1410 ^property[0].code = #departamento
* #1410 ^property[0].valueCode = #14
* #1411 "YASY KAÑY"
* #1411 ^property[0].code = #departamento
* #1411 ^property[0].valueCode = #14
* #1412 "YBYRAROBANA"
* #1412 ^property[0].code = #departamento
* #1412 ^property[0].valueCode = #14
* #1413 "YBY PYTA"
* #1413 ^property[0].code = #departamento
* #1413 ^property[0].valueCode = #14
* #1414 "MARACANA"
* #1414 ^property[0].code = #departamento
* #1414 ^property[0].valueCode = #14
* #1415 "PUERTO ADELA"
* #1415 ^property[0].code = #departamento
* #1415 ^property[0].valueCode = #14
* #1416 "LAUREL"
* #1416 ^property[0].code = #departamento
* #1416 ^property[0].valueCode = #14
* #1502 "BENJAMIN ACEVAL"
* #1502 ^property[0].code = #departamento
* #1502 ^property[0].valueCode = #15
* #1503 "PUERTO PINASCO"
* #1503 ^property[0].code = #departamento
* #1503 ^property[0].valueCode = #15
* #1504 "VILLA HAYES"
* #1504 ^property[0].code = #departamento
* #1504 ^property[0].valueCode = #15
* #1505 "NANAWA"
* #1505 ^property[0].code = #departamento
* #1505 ^property[0].valueCode = #15
* #1506 "JOSE FALCON"
* #1506 ^property[0].code = #departamento
* #1506 ^property[0].valueCode = #15
* #1507 "TTE 1RO MANUEL IRALA FERNANDEZ"
* #1507 ^property[0].code = #departamento
* #1507 ^property[0].valueCode = #15
* #1508 "TENIENTE ESTEBAN MARTINEZ"
* #1508 ^property[0].code = #departamento
* #1508 ^property[0].valueCode = #15
* #1509 "GRAL JOSE MARIA BRUGUEZ"
* #1509 ^property[0].code = #departamento
* #1509 ^property[0].valueCode = #15
* #1510 "CAMPO ACEVAL"
* #1510 ^property[0].code = #departamento
* #1510 ^property[0].valueCode = #15
* #1602 "MARISCAL JOSE FELIX ESTIGARRIBIA"
* #1602 ^property[0].code = #departamento
* #1602 ^property[0].valueCode = #16
* #1604 "FILADELFIA"
* #1604 ^property[0].code = #departamento
* #1604 ^property[0].valueCode = #16
* #1605 "LOMA PLATA"
* #1605 ^property[0].code = #departamento
* #1605 ^property[0].valueCode = #16
* #1606 "BOQUERÓN"
* #1606 ^property[0].code = #departamento
* #1606 ^property[0].valueCode = #16
* #1701 "FUERTE OLIMPO"
* #1701 ^property[0].code = #departamento
* #1701 ^property[0].valueCode = #17
* #1702 "PUERTO CASADO"
* #1702 ^property[0].code = #departamento
* #1702 ^property[0].valueCode = #17
* #1704 "BAHIA NEGRA"
* #1704 ^property[0].code = #departamento
* #1704 ^property[0].valueCode = #17
* #1705 "CARMELO PERALTA"
* #1705 ^property[0].code = #departamento
* #1705 ^property[0].valueCode = #17
* #1706 "LA VICTORIA"
* #1706 ^property[0].code = #departamento
* #1706 ^property[0].valueCode = #17

ValueSet: PYDistritoVS
Id: py-distrito
Title: "Distritos del Paraguay"
Description: "Todos los distritos de py-distrito."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-distrito"
* include codes from system PYDistritoCS

