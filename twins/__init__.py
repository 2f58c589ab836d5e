"""City digital twins and twin models (DTDL, NGSI-LD / Smart Data Models, CityJSON) — see issue 8."""
