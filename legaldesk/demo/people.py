"""The demo's invented cast as data: staff, delegates, organisations, contacts and addresses."""

from __future__ import annotations

from dataclasses import dataclass

from legaldesk.auth.models import Role

DEMO_DOMAIN = "demo.legaldesk.fr"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
FIRST_ADHERENT_EMAIL = f"adherent@{DEMO_DOMAIN}"

# --- the cast (all names are invented) --------------------------------------------------------

STAFF = (
    {"email": ADMIN_EMAIL, "name": "Claire Dumoulin", "role": Role.ADMIN},
    {"email": f"responsable@{DEMO_DOMAIN}", "name": "Hélène Marceau", "role": Role.MANAGER},
    {"email": f"juriste.social@{DEMO_DOMAIN}", "name": "Sophie Lemarchand", "role": Role.JURIST,
     "specialty": "droit_social"},
    {"email": f"juriste.affaires@{DEMO_DOMAIN}", "name": "Thomas Ferrand", "role": Role.JURIST,
     "specialty": "droit_des_affaires"},
)

# Delegations that list a délégué(e) (domain.md §3); HDF, OCC, GUA and CVL have none.
DELEGATES: dict[str, tuple[str, ...]] = {
    "ARA": ("Julien Roche",),
    "BFC": ("Mathilde Perrin",),
    "BRE": ("Yann Le Goff",),
    "OI": ("Anli Madi",),
    "IDF": ("Nadia Benali", "Olivier Garnier"),
    "NAQ": ("Céline Dufour",),
    "NOR": ("Marc Lefebvre", "Aurélie Hamel", "Pierre Vasseur"),
    "PAC": ("Laure Castellan", "Sandrine Audibert"),
    "PDL": ("Guillaume Tessier",),
    "GUY": ("Line Pindard",),
}


@dataclass(frozen=True)
class OrgSpec:
    """One fictional organisation and the people who log in for it."""

    name: str
    kind: str
    region: str | None
    slug: str
    people: tuple[tuple[str, str], ...]  # (e-mail local part or full address, name)
    territory: str | None = None
    parent: str | None = None
    member: bool = True


def _o(name, kind, region, slug, *people, territory=None, parent=None, member=True) -> OrgSpec:
    return OrgSpec(name, kind, region, slug, tuple(people), territory, parent, member)


ORGANISATIONS: tuple[OrgSpec, ...] = (
    _o("AI Trait d'Union Emploi", "AI", "IDF", "trait-union-emploi",
       (FIRST_ADHERENT_EMAIL, "Amandine Roux"), ("cip", "Karim Haddad")),
    _o("ACI Les Jardins de la Butte aux Merles", "ACI", "IDF", "butte-aux-merles",
       ("direction", "Bénédicte Lambert")),
    _o("ETTI Passerelle Intérim Francilienne", "ETTI", "IDF", "passerelle-interim",
       ("direction", "Frédéric Morin"), ("rh", "Leïla Mansouri")),
    _o("GES Horizon Solidaire", "GES", "IDF", "horizon-solidaire",
       ("direction", "Patrick Delaunay")),
    _o("AI Horizon Services", "AI", "IDF", "horizon-services",
       ("direction", "Sabrina Colin"), parent="GES Horizon Solidaire"),
    _o("ACI Horizon Recyclerie", "ACI", "IDF", "horizon-recyclerie",
       ("direction", "Romain Besson"), parent="GES Horizon Solidaire"),
    _o("EI Horizon Bâtiment Durable", "EI", "IDF", "horizon-batiment",
       ("direction", "Mehdi Ouali"), parent="GES Horizon Solidaire"),
    _o("AI Relais des Coteaux de Vernange", "AI", "ARA", "relais-vernange",
       ("direction", "Catherine Bouvier"), ("cip", "Lucas Girard")),
    _o("ACI Atelier Bois et Rivière", "ACI", "ARA", "bois-et-riviere",
       ("direction", "Didier Chastel")),
    _o("ETT-ESS Coopérim des Hauts-Plateaux", "ETT-ESS", "ARA", "cooperim-hauts-plateaux",
       ("direction", "Agnès Vial")),
    _o("EBE Terre Commune", "EBE", "ARA", "ebe-terre-commune",
       ("direction", "Samuel Reynaud")),
    _o("ACI Les Vergers Partagés de Morvelle", "ACI", "BFC", "vergers-morvelle",
       ("direction", "Isabelle Jacquot")),
    _o("AI Coup de Pouce Services", "AI", "BFC", "coup-de-pouce-services",
       ("direction", "Hervé Guyot")),
    _o("ACI Ressourcerie de l'Aber Gwenn", "ACI", "BRE", "ressourcerie-aber-gwenn",
       ("direction", "Gwenaëlle Le Bihan"), ("cip", "Erwan Kerjean")),
    _o("Proxim'Services Pays des Landes Bleues", "Proxim'Services", "BRE", "landes-bleues",
       ("direction", "Martine Le Floch")),
    _o("AI Passerelle du Val d'Orbe", "AI", "CVL", "passerelle-val-orbe",
       ("direction", "Sylvie Chevalier")),
    _o("ACI Chantier des Rives Claires", "ACI", "CVL", "rives-claires",
       ("direction", "Antoine Brunet")),
    _o("ACI Lakour Travay", "ACI", "OI", "lakour-travay",
       ("direction", "Josiane Payet"), ("cip", "Johan Hoarau"), territory="Réunion"),
    _o("AI Kour Ansanm Services", "AI", "OI", "kour-ansanm",
       ("direction", "Marie-Claude Grondin"), territory="Réunion"),
    _o("EITI Kaz Indépendants", "EITI", "OI", "kaz-independants",
       ("direction", "Teddy Fontaine"), territory="Réunion"),
    _o("ACI Jardins de Mtsanga", "ACI", "OI", "jardins-mtsanga",
       ("direction", "Zaharia Ahamada"), territory="Mayotte"),
    _o("ETTI Intérim du Beffroi Solidaire", "ETTI", "HDF", "beffroi-solidaire",
       ("direction", "Christophe Delattre")),
    _o("ACI Les Ateliers du Terril Vert", "ACI", "HDF", "terril-vert",
       ("direction", "Nathalie Vandamme")),
    _o("AI Le Fil des Saisons", "AI", "NAQ", "fil-des-saisons",
       ("direction", "Pascale Lacoste"), ("cip", "Bastien Dupuy")),
    _o("ACI Chantier Estuaire Vert", "ACI", "NAQ", "estuaire-vert",
       ("direction", "Jean-Marc Labat")),
    _o("Formations Tremplin Atlantique", "organisme_de_formation", "NAQ", "tremplin-atlantique",
       ("direction", "Véronique Sarrazin")),
    _o("PTCE Vallée des Savoir-Faire", "PTCE", "NAQ", "vallee-savoir-faire",
       ("coordination", "Élodie Castaing")),
    _o("EI Les Ateliers de la Falaise Blanche", "EI", "NOR", "falaise-blanche",
       ("direction", "François Lecomte")),
    _o("AI Bocage Services", "AI", "NOR", "bocage-services",
       ("direction", "Annick Marie"), ("rh", "Thierry Lemonnier")),
    _o("ACI Les Terrasses Solidaires", "ACI", "OCC", "terrasses-solidaires",
       ("direction", "Muriel Fabre")),
    _o("EBE Causse et Compagnie", "EBE", "OCC", "causse-et-compagnie",
       ("direction", "Lionel Bousquet")),
    _o("EITI Solo Ensemble", "EITI", "OCC", "solo-ensemble",
       ("direction", "Inès Cabrol")),
    _o("AI Mistral Emploi Solidaire", "AI", "PAC", "mistral-emploi",
       ("direction", "Corinne Giraud"), ("cip", "Yasmine Belkacem")),
    _o("ETTI Cigale Intérim Insertion", "ETTI", "PAC", "cigale-interim",
       ("direction", "Gilles Arnaud")),
    _o("ACI Jardins du Marais Doux", "ACI", "PDL", "marais-doux",
       ("direction", "Stéphanie Guérin")),
    _o("EBE Les Mains Ouvertes", "EBE", "PDL", "mains-ouvertes",
       ("direction", "Bruno Pineau")),
    _o("ACI Lakou Vert Insertion", "ACI", "GUA", "lakou-vert",
       ("direction", "Maryse Lubin"), territory="Guadeloupe"),
    _o("AI Men Kontré Services", "AI", "GUA", "men-kontre",
       ("direction", "Rodrigue Jean-Louis"), territory="Guadeloupe"),
    _o("ACI Chantier Fleuve et Forêt", "ACI", "GUY", "fleuve-et-foret",
       ("direction", "Yolande Horth"), territory="Guyane"),
    _o("AI Maripa Services", "AI", "GUY", "maripa-services",
       ("direction", "Kévin Sabayo"), territory="Guyane"),
    _o("EI Wapa Réemploi", "EI", "GUY", "wapa-reemploi",
       ("direction", "Priscilla Auguste"), territory="Guyane"),
    _o("ACI Jardins Lakou Bèlè", "ACI", None, "lakou-bele",
       ("direction", "Ghislaine Bellay"), territory="Martinique"),
    _o("GES Isula Inseme", "GES", None, "isula-inseme",
       ("direction", "Paul-Antoine Santoni"), territory="Corse"),
    _o("AI Fil Rouge Emploi", "AI", None, "fil-rouge-emploi",
       ("direction", "Estelle Koenig"), territory="Alsace"),
    _o("Réseau Inclusion et Territoires", "partenaire", None, "reseau-inclusion-territoires",
       member=False),
    _o("DDETS de la Haute-Lémance", "etat", None, "ddets-haute-lemance", member=False),
    _o("PTCE Les Communs du Plateau", "PTCE", "BFC", "communs-du-plateau", member=False),
)

# External requesters without a login: (name, e-mail). Intake matches their organisation by
# e-mail domain, which gives their requester type (partner network, State service, PTCE, other).
CONTACTS: tuple[tuple[str, str], ...] = (
    ("Mélanie Carpentier", f"juridique@reseau-inclusion-territoires.{DEMO_DOMAIN}"),
    ("Service IAE de la DDETS", f"iae@ddets-haute-lemance.{DEMO_DOMAIN}"),
    ("Florian Mercier", f"porteur@communs-du-plateau.{DEMO_DOMAIN}"),
    ("Cabinet Alvarez Expertise", f"contact@cabinet-alvarez.{DEMO_DOMAIN}"),
)
OVERSEAS_TERRITORIES = ("Réunion", "Mayotte", "Guadeloupe", "Guyane", "Martinique")


def org_domain(spec: OrgSpec) -> str:
    """The organisation's e-mail domain: a sub-domain of the demo domain, so no real inbox."""
    return f"{spec.slug}.{DEMO_DOMAIN}"


def person_email(spec: OrgSpec, local_or_address: str) -> str:
    """A person's address: full addresses are kept, local parts get the organisation domain."""
    if "@" in local_or_address:
        return local_or_address
    return f"{local_or_address}@{org_domain(spec)}"


def delegate_email(code: str, rank: int) -> str:
    """delegue.idf@..., delegue2.idf@... for co-délégués."""
    prefix = "delegue" if rank == 1 else f"delegue{rank}"
    return f"{prefix}.{code.lower()}@{DEMO_DOMAIN}"


def login_emails() -> list[str]:
    """Accounts a newcomer needs: staff, delegates, the demo adherent, one per overseas place."""
    emails = [spec["email"] for spec in STAFF]
    for code, names in DELEGATES.items():
        emails += [delegate_email(code, rank) for rank in range(1, len(names) + 1)]
    emails.append(FIRST_ADHERENT_EMAIL)
    for territory in OVERSEAS_TERRITORIES:
        spec = next(s for s in ORGANISATIONS if s.territory == territory and s.people)
        emails.append(person_email(spec, spec.people[0][0]))
    return emails
