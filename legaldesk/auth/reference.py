"""Reference data: the 14 regional delegations and the national fallback (domain.md §3)."""

from __future__ import annotations

import unicodedata

METRO = [{"territory": "metropole", "timezone": "Europe/Paris", "holidays_subdiv": None}]

REGIONS: list[dict] = [
    {"code": "ARA", "name": "Auvergne-Rhône-Alpes",
     "aliases": ["Auvergne - Rhône-Alpes", "Auvergne Rhône-Alpes"],
     "territories": METRO},
    {"code": "BFC", "name": "Bourgogne-Franche-Comté", "aliases": [], "territories": METRO},
    {"code": "BRE", "name": "Bretagne", "aliases": [], "territories": METRO},
    {"code": "CVL", "name": "Centre-Val-de-Loire",
     "aliases": ["Centre val-de- Loire", "Centre-Val de Loire", "Centre Val de Loire"],
     "territories": METRO},
    {"code": "OI", "name": "Océan Indien", "aliases": [], "territories": [
        {"territory": "Réunion", "timezone": "Indian/Reunion", "holidays_subdiv": "974"},
        {"territory": "Mayotte", "timezone": "Indian/Mayotte", "holidays_subdiv": "976"}]},
    {"code": "HDF", "name": "Hauts-de-France", "aliases": ["hauts de France"],
     "territories": METRO},
    {"code": "IDF", "name": "Ile-de-France", "aliases": ["Île-de-France", "Ile de France"],
     "territories": METRO},
    {"code": "NAQ", "name": "Nouvelle Aquitaine", "aliases": ["Nouvelle-Aquitaine"],
     "territories": METRO},
    {"code": "NOR", "name": "Normandie", "aliases": [], "territories": METRO},
    {"code": "OCC", "name": "Occitanie", "aliases": [], "territories": METRO},
    {"code": "PAC", "name": "Provence-Alpes-Côte d\u2019Azur",
     "aliases": ["Provence-Alpes- Côtes d\u2019Azur", "Provence-Alpes-Côte d'Azur", "PACA"],
     "territories": METRO},
    {"code": "PDL", "name": "Pays de la Loire", "aliases": [], "territories": METRO},
    {"code": "GUA", "name": "Guadeloupe", "aliases": ["GUADELOUPE"], "territories": [
        {"territory": "Guadeloupe", "timezone": "America/Guadeloupe", "holidays_subdiv": "971"}]},
    {"code": "GUY", "name": "Guyane", "aliases": ["GUYANE FRANÇAISE"], "territories": [
        {"territory": "Guyane", "timezone": "America/Cayenne", "holidays_subdiv": "973"}]},
    {"code": "NAT", "name": "National (juristes)", "aliases": ["National"], "territories": METRO,
     "is_national": True},
]

# Territories without a delegation: their members fall back to the national route.
OUTSIDE_TERRITORIES: dict[str, dict] = {
    "Martinique": {"timezone": "America/Martinique", "holidays_subdiv": "972"},
    "Corse": {"timezone": "Europe/Paris", "holidays_subdiv": None},
    "Moselle": {"timezone": "Europe/Paris", "holidays_subdiv": "57"},
    "Alsace": {"timezone": "Europe/Paris", "holidays_subdiv": "6AE"},
}


def name_key(value: str) -> str:
    """Compare delegation names ignoring accents, case, hyphens, spaces and apostrophe style."""
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in letters.casefold() if c.isalnum())
