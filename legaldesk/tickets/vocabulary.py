"""Default triage vocabulary (domain.md §5, §6, §8): topics, urgent triggers, level signals."""

# Everything here is plain data, written in natural French with accents; the triage engine folds
# accents, case and inflections itself. Topic keywords are only the seed of the admin-editable
# `topics` table; the other lists are the engine's defaults.
#
# Weights: a topic keyword counts its weight once (more if repeated or in the subject); an urgent
# trigger of weight >= 2 is decisive, 1 is enough on its own unless the context vetoes it (e.g. an
# injury outside work), 0.5 only supports another trigger. Acronyms written in capitals that are
# in CASE_SENSITIVE_ACRONYMS match only when typed in capitals ("AT", "CA", "AGS"...).

from __future__ import annotations

# --- text handling ---------------------------------------------------------------------------

#: Acronyms that are also French words or very short: they match only as capitals in the text.
CASE_SENSITIVE_ACRONYMS = frozenset({
    "AT", "CA", "AG", "AGS", "AI", "EI", "EA", "SAS", "SAP", "RC", "DAT", "MAD", "PEC", "EPI",
    "APS", "MAM", "PSU", "CLE", "ASP", "FDI", "GES", "DE", "ML", "CAE", "IS", "PSE",
})

#: Acronyms typed letter by letter ("c.d.d.i", "C D D I") are joined back when listed here.
SPELLED_ACRONYMS = frozenset({
    "cddi", "cdd", "cdi", "iae", "siae", "pmsmp", "cse", "ues", "rse", "tva", "ett", "etti",
    "eiti", "ebe", "aci", "vss", "ags", "dat", "sap", "urssaf", "inpi", "cph", "dpae", "opco",
})

#: Frequent misspellings and glued forms, token → replacement tokens (after accent folding).
MISSPELLINGS: dict[str, str] = {
    "passiae": "pass iae",
    "pasiae": "pass iae",
    "ettess": "ett ess",
    "cdiinclusion": "cdi inclusion",
    "prudhomme": "prud hommes",
    "prudhommes": "prud hommes",
    "prudhomale": "prud homale",
    "prudhomales": "prud homales",
    "francetravail": "france travail",
    "poleemploi": "pole emploi",
    "autoentrepreneur": "auto entrepreneur",
    "autoentrepreneurs": "auto entrepreneurs",
    "microentreprise": "micro entreprise",
    "microentrepreneur": "micro entrepreneur",
    "microcreche": "micro creche",
    "atmp": "at mp",
    "acident": "accident",
    "accidant": "accident",
    "harcellement": "harcelement",
    "harcelemment": "harcelement",
}

#: Misspelt word starts, fixed before stemming ("aggressée" → "agressée").
MISSPELT_PREFIXES: dict[str, str] = {
    "aggress": "agress",
    "agresss": "agress",
    "harcell": "harcel",
    "liquidiation": "liquidation",
}

#: Articles and prepositions ignored when matching phrases ("accident du/de travail").
STOPWORDS = frozenset({"le", "la", "les", "un", "une", "des", "du", "de", "d", "a", "et"})

#: Elided particles (l', d', qu', ...): dropped, except n' which becomes "ne" for negations.
ELISIONS = frozenset({
    "l", "d", "j", "n", "s", "c", "m", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
})

# --- topics (domain.md §5) ---------------------------------------------------------------

DEFAULT_TOPICS: list[dict] = [
    {
        "code": "contrats", "label_fr": "Contrats",
        "label_en": "Contracts: employment, mise à disposition and service contracts",
        "default_level": "first_level", "specialty": "droit_social",
        "keywords": {
            "contrat de travail": 2.0, "contrat de mise à disposition": 3.0,
            "mise à disposition": 1.5, "MAD": 1.0, "entreprise utilisatrice": 1.0,
            "client utilisateur": 1.0, "CDDI": 2.0, "contrat à durée déterminée d'insertion": 2.5,
            "CDD": 1.5, "contrat à durée déterminée": 1.5, "CDI": 1.0,
            "contrat à durée indéterminée": 1.0, "contrat de mission": 2.0,
            "contrat d'usage": 2.0, "avenant": 1.5, "renouvellement du contrat": 1.5,
            "renouveler le contrat": 1.5, "période d'essai": 2.0, "clause": 1.0,
            "clauses du contrat": 1.5, "modèle de contrat": 2.5, "rédaction du contrat": 2.0,
            "rédiger un contrat": 2.0, "conditions générales": 1.5, "contrat de prestation": 1.5,
            "contrat de sous-traitance": 1.0, "contrat commercial": 1.0, "CUI": 2.0,
            "contrat unique d'insertion": 2.5, "parcours emploi compétences": 2.5, "PEC": 2.0,
            "contrat aidé": 2.0, "CUI-CAE": 2.5, "CUI-CIE": 2.5, "requalification": 1.5,
            "suspension du contrat": 1.5, "durée du contrat": 1.5, "durée minimale": 1.0,
            "durée hebdomadaire": 1.0, "facturation": 1.0, "contrat": 0.5,
        },
    },
    {
        "code": "dialogue_social", "label_fr": "Dialogue social",
        "label_en": "Labour relations and staff representation: CSE, elections, agreements",
        "default_level": "expert", "specialty": "droit_social",
        "keywords": {
            "dialogue social": 3.0, "CSE": 2.5, "comité social et économique": 2.5,
            "élections professionnelles": 3.0, "élection du CSE": 3.0, "élus": 1.5,
            "élus du CSE": 2.0, "délégué syndical": 3.0, "syndicat": 2.0, "syndical": 1.5,
            "accord d'entreprise": 2.5, "accord collectif": 2.0, "négociation": 1.5,
            "NAO": 2.5, "négociation annuelle obligatoire": 3.0, "heures de délégation": 3.0,
            "représentants du personnel": 3.0, "représentant de proximité": 2.0,
            "commission salarié en parcours": 4.0, "protocole d'accord préélectoral": 3.0,
            "consultation du CSE": 3.0, "information-consultation": 2.5, "BDESE": 2.5,
            "base de données économiques": 2.5, "collège électoral": 2.5,
            "procès-verbal de carence": 2.5,
            "salarié protégé": 2.0, "règlement intérieur": 1.0, "accord de méthode": 2.0,
            "mandat d'élu": 2.0, "crédit d'heures": 2.0, "référendum": 1.5,
        },
    },
    {
        "code": "ressources_humaines", "label_fr": "Ressources humaines",
        "label_en": "HR: working time, pay, discipline, holding several jobs, end of contract",
        "default_level": "expert", "specialty": "droit_social",
        "keywords": {
            "temps de travail": 2.0, "durée du travail": 2.0, "heures supplémentaires": 2.5,
            "heures complémentaires": 2.5, "aménagement du temps de travail": 2.0,
            "annualisation": 2.0, "modulation du temps de travail": 2.0, "temps partiel": 1.5,
            "salaire": 1.5, "rémunération": 1.5, "SMIC": 1.5, "prime": 1.0,
            "bulletin de paie": 1.5, "fiche de paie": 1.5, "paie": 1.0, "congés payés": 2.0,
            "congé": 1.0, "arrêt maladie": 1.5, "licenciement": 2.0, "licencier": 2.0,
            "rupture conventionnelle": 3.0, "démission": 2.5, "fin de contrat": 1.5,
            "rupture anticipée": 2.5, "sanction disciplinaire": 3.0, "avertissement": 2.0,
            "mise à pied": 2.5, "faute grave": 2.5, "entretien préalable": 2.5,
            "procédure disciplinaire": 3.0, "cumul d'emplois": 3.0, "cumul emploi": 2.5,
            "plusieurs employeurs": 2.0, "autre employeur": 1.5, "second emploi": 2.0,
            "deuxième emploi": 2.0, "un autre emploi": 1.5, "durée maximale du travail": 3.0,
            "durée maximale de travail": 3.0, "48 heures": 2.0, "heures par semaine": 1.0,
            "repos quotidien": 2.0, "repos hebdomadaire": 2.0, "amplitude": 1.5,
            "travail de nuit": 2.0, "emploi de nuit": 2.0, "astreinte": 1.5,
            "jours fériés": 1.5, "repos": 1.0, "abandon de poste": 3.0,
            "absence injustifiée": 2.5, "absences": 1.0, "convention collective": 1.5,
            "classification": 1.5, "ancienneté": 1.5, "mutuelle": 1.5, "prévoyance": 1.5,
            "télétravail": 2.0, "indemnité de licenciement": 3.0, "solde de tout compte": 3.0,
            "préavis": 1.5, "entretien professionnel": 2.0, "CPF": 1.5, "DPAE": 2.0,
            "déclaration préalable à l'embauche": 2.0, "embauche": 1.0, "recrutement": 1.0,
            "licenciement économique": 2.5, "inaptitude": 1.5, "frais de déplacement": 1.5,
            "indemnités kilométriques": 1.5, "titres-restaurant": 1.5, "jours de carence": 1.5,
        },
    },
    {
        "code": "fiscalite", "label_fr": "Fiscalité",
        "label_en": "Tax: VAT, commercial taxes of associations, tax effects of a status",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "fiscalité": 3.0, "fiscal": 1.5, "impôt": 2.0, "impôts commerciaux": 3.0,
            "impôt sur les sociétés": 3.0, "TVA": 3.0, "taxe sur la valeur ajoutée": 3.0,
            "assujetti": 2.0, "assujettissement": 2.0, "lucrativité": 3.0,
            "non-lucrativité": 3.0, "activité lucrative": 2.5, "gestion désintéressée": 3.0,
            "règle des 4P": 3.0, "franchise en base": 2.5, "CFE": 2.5,
            "cotisation foncière des entreprises": 3.0, "taxe sur les salaires": 3.0,
            "CVAE": 2.5, "sectorisation": 2.5, "agrément ESUS": 2.0, "ESUS": 2.0,
            "crédit d'impôt": 1.0, "exonération": 1.5, "redressement fiscal": 2.5,
            "contrôle fiscal": 3.0, "administration fiscale": 2.0, "déclaration fiscale": 2.0,
            "taxe foncière": 2.0, "avantage fiscal": 1.5, "facture": 0.5, "taxe": 1.5,
        },
    },
    {
        "code": "droit_des_etrangers", "label_fr": "Droit des étrangers",
        "label_en": "Immigration law at work: right to work, titre de séjour, récépissé",
        "default_level": "expert", "specialty": "droit_social",
        "keywords": {
            "titre de séjour": 3.0, "récépissé": 3.0, "autorisation de travail": 3.0,
            "étranger": 2.0, "ressortissant": 2.0, "carte de séjour": 3.0,
            "carte de résident": 3.0, "OQTF": 3.0, "obligation de quitter le territoire": 3.0,
            "préfecture": 1.5, "sans-papiers": 3.0, "demandeur d'asile": 3.0, "réfugié": 2.5,
            "protection internationale": 2.5, "protection subsidiaire": 2.5,
            "loi immigration": 3.0, "visa": 2.0, "nationalité": 1.5, "hors UE": 2.0,
            "extra-communautaire": 2.5, "ANEF": 2.5, "APS": 2.0,
            "autorisation provisoire de séjour": 3.0, "droit au séjour": 3.0,
            "régularisation": 1.5, "métiers en tension": 2.5, "titre expiré": 2.5,
        },
    },
    {
        "code": "propriete_intellectuelle", "label_fr": "Propriété intellectuelle",
        "label_en": "Intellectual property: trademarks, designs, copyright, counterfeiting",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "propriété intellectuelle": 4.0, "marque": 2.0, "dépôt de marque": 3.0,
            "INPI": 3.0, "droit d'auteur": 3.0, "dessins et modèles": 3.0, "brevet": 3.0,
            "contrefaçon": 3.0, "copie": 1.5, "copié": 1.5, "plagiat": 2.5, "logo": 2.0,
            "nom de domaine": 2.0, "licence": 1.5, "cession de droits": 2.5,
            "droit à l'image": 2.5, "œuvre": 1.5, "créations": 1.0, "photographies": 1.0,
        },
    },
    {
        "code": "responsabilite", "label_fr": "Responsabilité contractuelle et délictuelle",
        "label_en": "Contractual and tort liability, damage, insurance (RC)",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "responsabilité civile": 3.0, "responsabilité contractuelle": 3.0,
            "responsabilité délictuelle": 3.0, "responsabilité": 1.0, "RC pro": 2.5, "RC": 1.5,
            "assurance": 2.0, "assureur": 2.0, "sinistre": 2.5, "dommage": 2.0,
            "dommages et intérêts": 2.5, "préjudice": 2.0, "indemnisation": 1.5,
            "indemniser": 1.5, "réparation du préjudice": 2.5, "dégâts": 2.0,
            "dégradation": 1.5, "casse": 1.5, "résiliation": 1.5, "résilier": 1.5,
            "résiliation anticipée": 2.5, "rupture abusive": 2.0, "inexécution": 2.5,
            "manquement": 1.5, "pénalités de retard": 1.5, "clause pénale": 2.0,
            "clause limitative de responsabilité": 3.0, "mise en cause": 1.5, "vol": 1.5,
            "faute": 1.0, "garantie": 1.0, "dérobé": 1.5, "réparation": 1.5,
            "demande réparation": 2.5, "sommes-nous responsables": 2.5, "responsable": 1.0,
            "remboursement": 1.0,
        },
    },
    {
        "code": "sante_securite", "label_fr": "Santé et sécurité",
        "label_en": "Health and safety at work: accidents du travail, violence and harassment",
        "default_level": "expert", "specialty": "droit_social",
        "keywords": {
            "santé et sécurité": 3.0, "sécurité au travail": 3.0, "accident du travail": 3.0,
            "accident de trajet": 3.0, "AT/MP": 3.0, "maladie professionnelle": 3.0,
            "déclaration d'accident": 3.0, "blessé": 2.0, "blessure": 2.0,
            "prévention des risques": 3.0, "document unique": 3.0, "DUERP": 3.0,
            "évaluation des risques": 2.5, "EPI": 2.0, "équipements de protection": 2.5,
            "harcèlement": 2.5, "harcèlement moral": 3.0, "harcèlement sexuel": 3.0,
            "agression sexuelle": 3.0, "agressé": 2.5, "agression": 2.5, "violence": 2.0,
            "risques psychosociaux": 3.0, "RPS": 2.0, "burn-out": 2.5,
            "souffrance au travail": 3.0, "médecine du travail": 2.0, "médecin du travail": 2.0,
            "visite médicale": 1.5, "droit de retrait": 3.0, "danger grave et imminent": 3.0,
            "obligation de sécurité": 3.0, "enquête interne": 2.0, "signalement": 1.5,
            "CARSAT": 2.0, "CPAM": 1.5, "pénibilité": 2.0, "amiante": 2.5, "canicule": 2.5,
            "travail en hauteur": 2.5, "sécurité": 1.0, "racisme": 2.0, "raciste": 2.0,
            "propos xénophobes": 2.0, "premiers secours": 2.0, "sauveteur secouriste": 2.5,
            "alcool": 2.0, "stupéfiants": 2.0, "addiction": 2.0, "inspection du travail": 1.0,
        },
    },
    {
        "code": "marches_publics", "label_fr": "Marchés publics / commande publique",
        "label_en": "Public procurement: clauses sociales, reserved contracts, co-contracting",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "marché public": 3.0, "commande publique": 3.0, "clause sociale": 3.0,
            "clause d'insertion": 3.0, "heures d'insertion": 2.5, "marché réservé": 3.0,
            "appel d'offres": 3.0, "acheteur public": 3.0, "pouvoir adjudicateur": 3.0,
            "cotraitant": 3.0, "co-traitant": 3.0, "cotraitance": 3.0, "co-traitance": 3.0,
            "sous-traitant": 1.5, "groupement momentané d'entreprises": 3.0, "groupement": 1.0,
            "mandataire du groupement": 3.0, "mandataire": 1.0, "candidature": 1.5,
            "DCE": 2.5, "CCAP": 2.5, "cahier des charges": 1.0, "titulaire du marché": 3.0,
            "attributaire": 2.5, "facilitateur": 2.5, "facilitatrice": 2.5, "PNAD": 2.5,
            "code de la commande publique": 3.0, "achats responsables": 2.0,
            "achats durables": 2.0, "allotissement": 2.5, "marché": 0.7, "collectivité": 1.0,
            "pénalités": 1.0, "offre": 0.5, "consultation": 0.5,
        },
    },
    {
        "code": "pmsmp",
        "label_fr": "Périodes de mise en situation en milieu professionnel (PMSMP)",
        "label_en": "Short work-immersion periods",
        "default_level": "first_level", "specialty": "droit_social",
        "keywords": {
            "PMSMP": 5.0, "période de mise en situation en milieu professionnel": 5.0,
            "mise en situation professionnelle": 3.0, "immersion": 2.5,
            "stage d'immersion": 3.0, "convention d'immersion": 3.0,
            "période d'immersion": 3.0, "stage": 1.0, "stagiaire": 1.0,
        },
    },
    {
        "code": "pass_iae", "label_fr": "Pass IAE",
        "label_en": "IAE eligibility pass: prolongation, renewal, end of pass, prescription",
        "default_level": "first_level", "specialty": "droit_social",
        "keywords": {
            "Pass IAE": 5.0, "pass": 1.5, "agrément": 2.0, "agrément IAE": 3.0,
            "prolongation": 1.5, "prolongation du pass": 3.0, "renouvellement du pass": 3.0,
            "suspension du pass": 3.0, "fin du pass": 3.0, "dérogation": 1.0,
            "éligibilité": 2.0, "critères d'éligibilité": 2.5, "éligible à l'IAE": 3.0,
            "prescripteur": 2.5, "prescription": 2.0, "plateforme de l'inclusion": 3.0,
            "diagnostic socio-professionnel": 2.5, "fiche de diagnostic": 2.5,
            "diagnostic": 1.0, "auto-prescription": 3.0, "France Travail": 1.5,
            "Pôle emploi": 1.5, "24 mois": 1.5, "parcours IAE": 2.0,
            "parcours d'insertion": 1.5, "sortie de parcours": 1.5, "contrôle a posteriori": 3.0,
            "IAE": 0.5,
        },
    },
    {
        "code": "contrat_professionnalisation",
        "label_fr": "Contrat de professionnalisation (inclusion)",
        "label_en": "Work-study qualification contract, incl. the experimental inclusion variant",
        "default_level": "expert", "specialty": "droit_social",
        "keywords": {
            "contrat de professionnalisation": 5.0, "contrat pro": 3.0,
            "contrat de professionnalisation inclusion": 5.0, "alternance": 2.5,
            "apprentissage": 2.0, "contrat d'apprentissage": 2.5, "OPCO": 2.0,
            "Uniformation": 2.0, "tuteur": 1.5, "tutorat": 1.5, "organisme de formation": 1.0,
            "certification": 1.0, "qualification": 1.0, "POEI": 2.0,
            "préparation opérationnelle à l'emploi": 2.5, "GEIQ": 2.0,
            "formation en alternance": 3.0,
        },
    },
    {
        "code": "cdi_inclusion", "label_fr": "CDI inclusion / l'inclusion par le CDI",
        "label_en": "Permanent insertion contract for people aged 57+",
        "default_level": "first_level", "specialty": "droit_social",
        "keywords": {
            "CDI inclusion": 5.0, "inclusion par le CDI": 5.0, "CDI d'inclusion": 5.0,
            "57 ans": 2.5, "salarié senior": 1.5,
        },
    },
    {
        "code": "services_a_la_personne", "label_fr": "Services à la personne",
        "label_en": "Home services: déclaration/agrément SAP, tax credit, attestation fiscale",
        "default_level": "first_level", "specialty": "droit_des_affaires",
        "keywords": {
            "services à la personne": 5.0, "SAP": 3.0, "agrément SAP": 5.0,
            "déclaration SAP": 5.0, "crédit d'impôt": 2.0, "avance immédiate": 3.0,
            "attestation fiscale": 3.0, "particulier employeur": 2.5, "particulier": 1.5,
            "chez un particulier": 2.0, "ménage": 1.5, "repassage": 2.0, "jardinage": 2.0,
            "aide à domicile": 2.5, "CESU": 3.0, "chèque emploi service": 3.0, "NOVA": 2.0,
            "Proxim'Services": 2.5, "aide ménagère": 2.0, "garde d'enfants à domicile": 3.0,
            "SAAD": 2.5, "activité exclusive": 1.0,
        },
    },
    {
        "code": "ett_ess", "label_fr": "ETT-ESS",
        "label_en": "Creating and running a social-economy temp agency: form, governance",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "ETT-ESS": 5.0,
            "entreprise de travail temporaire de l'économie sociale et solidaire": 5.0,
            "ETT": 1.5, "entreprise de travail temporaire": 2.0, "travail temporaire": 1.5,
            "garantie financière": 2.5, "FG2I": 2.5, "agence d'intérim": 2.0, "intérim": 1.0,
            "75 % du capital": 2.5,
        },
    },
    {
        "code": "rse", "label_fr": "Responsabilité sociétale des entreprises (RSE)",
        "label_en": "Corporate social responsibility, reporting duties, CAP RSE label",
        "default_level": "first_level", "specialty": "droit_des_affaires",
        "keywords": {
            "RSE": 4.0, "responsabilité sociétale": 4.0,
            "responsabilité sociale des entreprises": 4.0, "CAP RSE": 5.0, "label": 1.5,
            "labellisation": 2.0, "AFNOR": 2.0, "ISO 26000": 3.0, "ISO 9001": 1.5,
            "reporting extra-financier": 3.0, "extra-financier": 2.5,
            "déclaration de performance extra-financière": 3.0, "CSRD": 3.0, "DPEF": 3.0,
            "bilan carbone": 2.5, "développement durable": 1.5, "démarche qualité": 1.0,
            "impact social": 1.5, "mesure d'impact": 2.0,
        },
    },
    {
        "code": "triple_exclusivite", "label_fr": "Triple exclusivité",
        "label_en": "An exclusivity rule (the report does not explain it; verify)",
        "default_level": "first_level", "specialty": "droit_social",
        "keywords": {
            "triple exclusivité": 5.0, "exclusivité": 2.0, "condition d'exclusivité": 2.5,
        },
    },
    {
        "code": "eiti", "label_fr": "EITI",
        "label_en": "Insertion through self-employment: creating and running an EITI",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "EITI": 5.0, "entreprise d'insertion par le travail indépendant": 5.0,
            "entreprise d'insertion de travailleurs indépendants": 5.0,
            "insertion par le travail indépendant": 5.0, "travailleur indépendant": 2.0,
            "travail indépendant": 2.5, "micro-entrepreneur": 2.5, "micro-entreprise": 2.5,
            "auto-entrepreneur": 2.5, "auto-entreprise": 2.5,
        },
    },
    {
        "code": "mise_a_disposition_ebe", "label_fr": "Mise à disposition en EBE",
        "label_en": "Placing employees with an entreprise à but d'emploi",
        "default_level": "first_level", "specialty": "droit_social",
        "keywords": {
            "mise à disposition en EBE": 5.0, "EBE": 3.0, "entreprise à but d'emploi": 4.0,
            "TZCLD": 3.0, "territoires zéro chômeur de longue durée": 4.0,
            "zéro chômeur": 3.0, "comité local pour l'emploi": 2.0, "ETCLD": 2.5,
            "temps choisi": 1.5, "privés durablement d'emploi": 2.5, "PPDE": 2.5,
        },
    },
    {
        "code": "conservation_documents", "label_fr": "Durée de conservation des documents",
        "label_en": "Retention periods: HR, payroll, contracts, Pass IAE files, funder evidence",
        "default_level": "first_level", "specialty": "droit_social",
        "keywords": {
            "durée de conservation": 4.0, "conservation des documents": 4.0,
            "délai de conservation": 4.0, "conserver": 2.5, "conservation": 2.0,
            "combien de temps faut-il conserver": 4.0,
            "combien de temps devons-nous conserver": 4.0,
            "combien de temps garder": 3.0, "jusqu'à quand conserver": 3.0,
            "archivage": 3.0, "archives": 2.5, "archiver": 2.5, "numérisation": 2.0,
            "numériser": 2.0, "détruire": 1.5, "destruction": 2.0, "originaux": 1.5,
            "pièces justificatives": 1.5, "justificatifs": 1.0, "copie numérique": 2.0,
            "RGPD": 2.0, "données personnelles": 1.5, "registre unique du personnel": 2.0,
            "sauvegarde des données": 1.5,
        },
    },
    {
        "code": "ues", "label_fr": "Unité économique et sociale (UES)",
        "label_en": "Several employers recognised as one for staff representation",
        "default_level": "expert", "specialty": "droit_social",
        "keywords": {
            "UES": 5.0, "unité économique et sociale": 5.0, "CSE commun": 3.0,
            "CSE central": 2.5, "entités juridiquement distinctes": 2.5,
            "entreprises distinctes": 1.5,
        },
    },
    {
        "code": "petite_enfance", "label_fr": "Structures de la petite enfance",
        "label_en": "Childcare structures (crèche, micro-crèche): form, PMI/CAF authorisations",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "petite enfance": 4.0, "crèche": 3.5, "micro-crèche": 4.0, "multi-accueil": 3.0,
            "halte-garderie": 3.0, "PMI": 2.5, "protection maternelle et infantile": 3.0,
            "CAF": 1.5, "PSU": 2.0, "prestation de service unique": 2.5, "AVIP": 3.0,
            "crèche à vocation d'insertion professionnelle": 4.0,
            "assistantes maternelles": 2.5, "MAM": 2.5, "maison d'assistants maternels": 3.0,
            "garde d'enfants": 2.0, "établissement d'accueil du jeune enfant": 3.5,
            "EAJE": 3.0, "berceaux": 2.5, "auxiliaire de puériculture": 2.5,
        },
    },
    {
        "code": "procedures_collectives",
        "label_fr": "Procédures collectives (sauvegarde, redressement, liquidation judiciaire)",
        "label_en": "Insolvency proceedings",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "procédure collective": 4.0, "redressement judiciaire": 4.0,
            "liquidation judiciaire": 4.0, "procédure de sauvegarde": 4.0,
            "plan de sauvegarde": 3.0, "cessation des paiements": 4.0,
            "cessation de paiements": 4.0, "dépôt de bilan": 4.0, "déposer le bilan": 4.0,
            "mandataire judiciaire": 3.5, "administrateur judiciaire": 3.5,
            "liquidateur": 3.5, "tribunal de commerce": 1.5, "plan de continuation": 3.0,
            "plan de cession": 3.0, "période d'observation": 3.0, "déclaration de créance": 3.0,
            "créance": 1.5, "créancier": 1.5, "AGS": 3.0, "difficultés financières": 2.0,
            "difficultés de trésorerie": 2.5, "trésorerie": 1.0, "procédure d'alerte": 3.0,
            "mandat ad hoc": 3.0, "prévention des difficultés": 2.5, "insolvabilité": 2.5,
            "dettes": 1.5, "liquidation": 2.0, "redressement": 1.0, "sauvegarde": 1.0,
            "liquidation amiable": 2.0, "dissolution": 1.5,
        },
    },
    {
        "code": "mecenat_rescrit", "label_fr": "Mécénat et rescrit fiscal",
        "label_en": "Donations, intérêt général, reçus fiscaux, tax rulings",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "mécénat": 4.0, "rescrit fiscal": 4.0, "rescrit": 3.0, "reçus fiscaux": 4.0,
            "reçu fiscal": 4.0, "intérêt général": 3.0, "dons": 2.5, "don": 2.5,
            "donateur": 2.5, "réduction d'impôt": 2.0, "cerfa": 1.5, "fonds de dotation": 2.0,
            "mécène": 3.0, "parrainage": 1.5, "sponsoring": 1.5, "legs": 2.0,
        },
    },
    {
        "code": "structuration_juridique",
        "label_fr": "Structuration juridique (PTCE, SCIC, GES, association, SAS)",
        "label_en": "Choosing and changing legal forms, groups and cooperation",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "structuration juridique": 4.0, "forme juridique": 3.0, "statut juridique": 3.0,
            "statuts": 2.0, "statut": 1.0, "SCIC": 3.0,
            "société coopérative d'intérêt collectif": 3.5, "SCOP": 3.0, "SAS": 2.0,
            "SASU": 2.0, "SARL": 2.5, "association loi 1901": 2.5, "GES": 1.5,
            "groupe économique solidaire": 2.0, "fusion": 2.5, "fusionner": 2.5,
            "filiale": 2.0, "filialisation": 2.5, "création d'une société": 2.5,
            "créer une structure": 2.0, "gouvernance": 2.0, "PTCE": 2.5,
            "pôle territorial de coopération économique": 3.0, "apport partiel d'actifs": 3.0,
            "traité de fusion": 3.0, "holding": 2.5, "capital social": 2.0, "sociétaires": 2.0,
            "associés": 1.5, "groupement d'employeurs": 2.0, "GIE": 2.5, "coopérative": 2.0,
            "objet social": 2.0, "modification des statuts": 3.0, "rédaction des statuts": 3.0,
            "créer une association": 2.5, "agrément ESUS": 1.5,
            "conseil d'administration": 0.5, "assemblée générale": 0.5,
        },
    },
    {
        "code": "competence_tribunaux", "label_fr": "Compétence des tribunaux",
        "label_en": "Which court has jurisdiction",
        "default_level": "expert", "specialty": "droit_des_affaires",
        "keywords": {
            "tribunal compétent": 4.0, "juridiction compétente": 4.0,
            "compétence du tribunal": 4.0, "compétence territoriale": 3.5,
            "quel tribunal": 3.5, "quelle juridiction": 3.5, "juridiction": 2.0,
            "tribunal judiciaire": 2.5, "tribunal administratif": 2.5,
            "tribunal de commerce": 1.5, "conseil de prud'hommes": 2.5, "prud'hommes": 2.0,
            "CPH": 2.0, "saisir le tribunal": 2.5, "clause attributive de juridiction": 4.0,
            "compétence": 1.5, "compétent": 1.5, "tribunal": 1.5, "action en justice": 2.0,
            "assignation": 1.5, "avocat": 1.0, "contentieux": 1.5, "litige": 1.5,
            "juge": 1.5, "cour d'appel": 2.5, "médiation": 1.0, "conciliation": 1.0,
        },
    },
    {
        "code": "aide_au_poste", "label_fr": "Aide au poste / conventionnement",
        "label_en": "State per-position subsidy, conventionnement, dialogue de gestion",
        "default_level": "first_level", "specialty": "droit_social",
        "keywords": {
            "aide au poste": 3.0, "conventionnement": 3.0, "convention avec l'État": 2.5,
            "dialogue de gestion": 4.0, "annexe financière": 4.0, "DDETS": 2.5,
            "DREETS": 2.0, "DEETS": 2.0, "ASP": 1.0, "Agence de services et de paiement": 3.0,
            "CDIAE": 3.0, "ETP": 1.5, "équivalent temps plein": 2.0,
            "postes conventionnés": 3.0, "FDI": 1.5, "fonds de développement de l'inclusion": 3.0,
            "subvention": 1.5, "financement": 1.0, "montant modulé": 2.5,
            "part modulable": 2.5, "modulation de l'aide": 3.0,
        },
    },
    {
        "code": "autre", "label_fr": "Autre", "label_en": "Anything else: goes to national triage",
        "default_level": "expert", "specialty": None, "keywords": {},
    },
]

# --- urgency (domain.md §6) -------------------------------------------------------------------

#: The five report case types: their jurist specialty and the topic the case points to.
URGENT_CASES: dict[str, dict] = {
    "accident_du_travail": {
        "specialty": "droit_social", "topic": "sante_securite",
        "hypothesis_sensitive": True,
        "triggers": {
            "accident du travail": 2.0, "accidents du travail": 2.0, "accident de trajet": 2.0,
            "accident de service": 2.0, "accident au travail": 2.0, "AT/MP": 2.0,
            "AT-MP": 2.0, "at/mp": 2.0, "AT": 1.0, "accident mortel": 2.0,
            "accident sur le chantier": 2.0, "accident sur son lieu de travail": 2.0,
            "accident pendant sa mission": 2.0, "accident pendant son travail": 2.0,
            "déclaration d'accident": 2.0, "déclarer l'accident": 2.0, "DAT": 1.0,
            "arrêt de travail suite à": 1.0, "maladie professionnelle": 1.0,
            "s'est blessé": 1.0, "se sont blessés": 1.0, "blessé": 1.0, "blessure": 1.0,
            "s'est coupé": 1.0, "coupure grave": 1.0, "s'est fait mal": 1.0,
            # "chute" alone is often economic ("chute du chiffre d'affaires"): it only supports
            # (after folding "chuté" is "chute"; a person before it makes it an injury)
            "est tombé": 1.0, "chute": 0.5, "il a chuté": 1.0, "elle a chuté": 1.0,
            "salarié a chuté": 1.0, "salariée a chuté": 1.0, "a fait une chute": 1.0,
            "chute de hauteur": 1.0, "chute dans l'escalier": 1.0, "chute d'une échelle": 1.0,
            "chute d'un échafaudage": 1.0, "chute sur le chantier": 1.0, "lourde chute": 1.0,
            "victime d'une chute": 1.0, "chute au travail": 1.0, "chute de plain-pied": 1.0,
            "écrasé": 1.0, "brûlé": 1.0, "brûlure": 1.0, "électrocuté": 1.0,
            "électrisé": 1.0, "fracture": 1.0, "s'est cassé": 1.0, "malaise au travail": 1.0,
            "a fait un malaise": 1.0, "malaise": 0.5, "entorse": 0.5,
            "hospitalisé": 1.0, "aux urgences": 1.0, "service des urgences": 1.0,
            "les pompiers": 1.0, "SAMU": 1.0, "évacué": 0.5, "évacué vers l'hôpital": 1.0,
            "hôpital": 0.5, "décédé": 1.0, "décès": 1.0,
        },
        #: Context showing the injury happened outside work: weak triggers (< 2) are ignored ...
        "vetoes": [
            "accident de voiture", "accident de la route", "accident domestique",
            "accident de ski", "accident de sport", "vie privée", "hors du travail",
            "en dehors du travail", "hors temps de travail", "en dehors de ses heures de travail",
            "pendant ses congés", "pendant ses vacances", "pendant le week-end", "le week-end",
            "à son domicile", "chez lui", "chez elle", "maladie ordinaire",
            "arrêt maladie non professionnel",
        ],
        #: ... unless the text also places it at work.
        "confirms": [
            "pendant sa mission", "en mission", "pendant une livraison", "véhicule de service",
            "véhicule de l'entreprise", "sur le chantier", "pendant son travail",
            "sur son lieu de travail", "pendant ses heures de travail", "en intervention",
            "chez le client", "chez un client", "entreprise utilisatrice", "au travail",
            "sur son poste", "à son poste", "en se rendant au travail", "en rentrant du travail",
        ],
    },
    "agression_sexuelle": {
        "specialty": "droit_social", "topic": "sante_securite",
        "hypothesis_sensitive": True,
        "triggers": {
            "agression sexuelle": 2.0, "agressions sexuelles": 2.0, "agressé sexuellement": 2.0,
            "agression à caractère sexuel": 2.0, "violences sexuelles": 1.0,
            "violences sexistes et sexuelles": 1.0, "VSS": 1.0, "viol": 2.0, "violée": 2.0,
            "tentative de viol": 2.0, "attouchement": 2.0, "gestes déplacés": 1.0,
            "geste déplacé": 1.0, "exhibition": 1.0, "exhibitionnisme": 1.0, "s'est exhibé": 1.0,
            "harcèlement sexuel": 1.0, "harcelée sexuellement": 1.0, "sexuellement": 1.0,
            "propos à connotation sexuelle": 1.0, "connotation sexuelle": 1.0,
            "à caractère sexuel": 1.0, "avances insistantes": 1.0, "avances sexuelles": 1.0,
            "propositions sexuelles": 1.0, "chantage sexuel": 1.0, "mains baladeuses": 1.0,
            "embrassée de force": 1.0, "touché les fesses": 1.0, "touché les seins": 1.0,
            "parties intimes": 1.0, "photos intimes": 1.0, "outrage sexiste": 1.0,
            "touché la poitrine": 1.0, "touché ses seins": 1.0, "propos obscènes": 1.0,
            "gestes obscènes": 1.0, "propos sexuels": 1.0, "images pornographiques": 1.0,
            "comportement déplacé": 1.0, "attitude déplacée": 1.0, "embrassé de force": 1.0,
            # supports
            "sexuelle": 0.5, "agissements sexistes": 0.5, "poitrine": 0.5, "fesses": 0.5,
            "seins": 0.5, "obscène": 0.5, "caresses": 0.5, "pornographique": 0.5,
        },
        "vetoes": [], "confirms": [],
    },
    "discours_xenophobe": {
        "specialty": "droit_social", "topic": "sante_securite",
        "hypothesis_sensitive": True,
        "triggers": {
            "propos racistes": 2.0, "insultes racistes": 2.0, "injure raciale": 2.0,
            "injures racistes": 2.0, "raciste": 1.0, "racisme": 1.0, "xénophobe": 1.0,
            "xénophobie": 1.0, "discours xénophobe": 2.0, "discours de haine": 1.0,
            "propos haineux": 1.0, "incitation à la haine": 1.0, "antisémite": 1.0,
            "antisémitisme": 1.0, "islamophobe": 1.0, "islamophobie": 1.0, "négrophobie": 1.0,
            "rentre chez toi": 1.0, "retourne chez toi": 1.0, "rentrez chez vous": 1.0,
            "retournez chez vous": 1.0, "retourner dans le pays": 1.0,
            "rentrer dans le pays": 1.0, "retourner au pays": 1.0, "rentrer au bled": 1.0,
            "sale étranger": 2.0, "sale arabe": 2.0, "sale noir": 2.0, "sale juif": 2.0,
            "sale immigré": 2.0,
            "discrimination raciale": 1.0, "en raison de son origine": 1.0,
            "en raison de ses origines": 1.0, "à cause de ses origines": 1.0,
            "insultes sur ses origines": 1.0, "propos discriminatoires": 1.0,
            "couleur de peau": 1.0, "croix gammée": 1.0, "salut nazi": 1.0,
            "tags racistes": 2.0, "blagues racistes": 2.0, "remarques racistes": 2.0,
            # supports: two of them together (e.g. an insult and an origin) are enough
            "origines": 0.5, "d'origine étrangère": 0.5, "d'origine africaine": 0.5,
            "d'origine maghrébine": 0.5, "insultes": 0.5, "injures": 0.5, "singe": 0.5,
            "rentrer chez eux": 0.5, "arabe": 0.5, "africain": 0.5, "maghrébin": 0.5,
            "religion": 0.5, "voile": 0.5, "étrangers": 0.5,
        },
        "vetoes": [], "confirms": [],
    },
    "redressement_judiciaire": {
        "specialty": "droit_des_affaires", "topic": "procedures_collectives",
        "hypothesis_sensitive": False,
        "triggers": {
            "redressement judiciaire": 2.0, "plan de redressement": 2.0,
            "mise en redressement": 2.0, "placée en redressement": 2.0, "en redressement": 1.0,
            "procédure de redressement": 1.0, "procédure de sauvegarde": 1.0,
            "plan de sauvegarde": 1.0, "sauvegarde accélérée": 1.0,
            "cessation des paiements": 2.0, "cessation de paiements": 2.0,
            "déposer le bilan": 2.0, "dépôt de bilan": 2.0, "déclaration de cessation": 1.0,
            "mandataire judiciaire": 1.0, "administrateur judiciaire": 1.0,
            "tribunal de commerce": 0.5, "tribunal des activités économiques": 0.5,
            "procédure d'alerte": 1.0, "mandat ad hoc": 1.0, "période d'observation": 1.0,
            "jugement d'ouverture": 1.0, "procédure collective": 1.0,
            "ne pouvons plus payer les salaires": 1.0, "ne pourrons pas payer les salaires": 1.0,
            "impossible de payer les salaires": 1.0, "impossibilité de payer les salaires": 1.0,
            "n'avons plus de trésorerie": 1.0, "plus de trésorerie": 1.0,
            "plus payer les salaires": 1.0, "plus verser les salaires": 1.0,
            "trésorerie ne permet plus": 1.0, "retard de paiement des salaires": 1.0,
            "salaires impayés": 0.5, "dettes": 0.5,
            "trésorerie à zéro": 1.0, "insolvabilité": 1.0, "redressement": 0.5,
            "difficultés financières": 0.5, "difficultés de trésorerie": 0.5,
        },
        "vetoes": [], "confirms": [],
    },
    "liquidation_judiciaire": {
        "specialty": "droit_des_affaires", "topic": "procedures_collectives",
        "hypothesis_sensitive": False,
        "triggers": {
            "liquidation judiciaire": 2.0, "mise en liquidation": 2.0,
            "placée en liquidation": 2.0, "placé en liquidation": 2.0,
            "prononcé la liquidation": 2.0, "liquidation": 1.0, "liquidateur": 1.0,
            "liquidatrice": 1.0, "liquidateur judiciaire": 2.0,
            "clôture pour insuffisance d'actif": 2.0, "insuffisance d'actif": 1.0,
            "AGS": 1.0, "licenciements économiques de tous les salariés": 1.0,
            "licencier tous les salariés": 1.0, "fermeture définitive": 0.5,
            "cessation d'activité": 0.5,
        },
        "vetoes": [], "confirms": [],
    },
}

#: When several report cases fire with the same score, the first in this order wins.
URGENT_CASE_PRIORITY = (
    "agression_sexuelle", "accident_du_travail", "discours_xenophobe",
    "liquidation_judiciaire", "redressement_judiciaire",
)

#: Frequent non-urgent senses (domain.md §6): a trigger inside one of these spans is ignored.
#: "blocks" names the case (or "echeance_proche") the phrase would wrongly raise.
FALSE_FRIENDS: list[dict] = [
    {"phrase": "redressement URSSAF", "blocks": "redressement_judiciaire"},
    {"phrase": "redressement de l'URSSAF", "blocks": "redressement_judiciaire"},
    {"phrase": "redressement fiscal", "blocks": "redressement_judiciaire"},
    {"phrase": "redressement de cotisations", "blocks": "redressement_judiciaire"},
    {"phrase": "redressement suite à un contrôle", "blocks": "redressement_judiciaire"},
    {"phrase": "plan de sauvegarde de l'emploi", "blocks": "redressement_judiciaire"},
    {"phrase": "PSE", "blocks": "redressement_judiciaire"},
    {"phrase": "sauvegarde des données", "blocks": "redressement_judiciaire"},
    {"phrase": "sauvegarde des fichiers", "blocks": "redressement_judiciaire"},
    {"phrase": "liquidation de la retraite", "blocks": "liquidation_judiciaire"},
    {"phrase": "liquidation de ses droits", "blocks": "liquidation_judiciaire"},
    {"phrase": "liquidation des droits", "blocks": "liquidation_judiciaire"},
    {"phrase": "liquidation de la pension", "blocks": "liquidation_judiciaire"},
    {"phrase": "liquidation des congés payés", "blocks": "liquidation_judiciaire"},
    {"phrase": "liquidation des congés", "blocks": "liquidation_judiciaire"},
    {"phrase": "liquidation du stock", "blocks": "liquidation_judiciaire"},
    {"phrase": "liquider le stock", "blocks": "liquidation_judiciaire"},
    {"phrase": "liquidation de l'astreinte", "blocks": "liquidation_judiciaire"},
    {"phrase": "liquidation de la succession", "blocks": "liquidation_judiciaire"},
    {"phrase": "liquidation amiable", "blocks": "liquidation_judiciaire"},
    {"phrase": "chute du chiffre d'affaires", "blocks": "accident_du_travail"},
    {"phrase": "chute du CA", "blocks": "accident_du_travail"},
    {"phrase": "chute de l'activité", "blocks": "accident_du_travail"},
    {"phrase": "chute des commandes", "blocks": "accident_du_travail"},
    {"phrase": "chute des ventes", "blocks": "accident_du_travail"},
    {"phrase": "chute des recettes", "blocks": "accident_du_travail"},
    {"phrase": "chute des effectifs", "blocks": "accident_du_travail"},
    {"phrase": "chute de la trésorerie", "blocks": "accident_du_travail"},
    {"phrase": "chute des subventions", "blocks": "accident_du_travail"},
    {"phrase": "chute des financements", "blocks": "accident_du_travail"},
    {"phrase": "chute de la fréquentation", "blocks": "accident_du_travail"},
    {"phrase": "chute des heures", "blocks": "accident_du_travail"},
    {"phrase": "chute de la demande", "blocks": "accident_du_travail"},
    {"phrase": "chute des prix", "blocks": "accident_du_travail"},
    {"phrase": "décision est tombée", "blocks": "accident_du_travail"},
    {"phrase": "jugement est tombé", "blocks": "accident_du_travail"},
    {"phrase": "réponse est tombée", "blocks": "accident_du_travail"},
    {"phrase": "est tombé en panne", "blocks": "accident_du_travail"},
    {"phrase": "sont tombés d'accord", "blocks": "accident_du_travail"},
    {"phrase": "est tombé d'accord", "blocks": "accident_du_travail"},
    {"phrase": "congé pour décès", "blocks": "accident_du_travail"},
    {"phrase": "congé décès", "blocks": "accident_du_travail"},
    {"phrase": "décès d'un proche", "blocks": "accident_du_travail"},
    {"phrase": "décès de son père", "blocks": "accident_du_travail"},
    {"phrase": "décès de sa mère", "blocks": "accident_du_travail"},
    {"phrase": "décès de son conjoint", "blocks": "accident_du_travail"},
    {"phrase": "capital décès", "blocks": "accident_du_travail"},
    {"phrase": "malaise dans l'équipe", "blocks": "accident_du_travail"},
    {"phrase": "violé le contrat", "blocks": "agression_sexuelle"},
    {"phrase": "violé les clauses", "blocks": "agression_sexuelle"},
    {"phrase": "violé la loi", "blocks": "agression_sexuelle"},
    {"phrase": "violé le règlement", "blocks": "agression_sexuelle"},
    {"phrase": "violé l'accord", "blocks": "agression_sexuelle"},
    {"phrase": "violé son obligation", "blocks": "agression_sexuelle"},
    {"phrase": "violé le secret", "blocks": "agression_sexuelle"},
    {"phrase": "violé la confidentialité", "blocks": "agression_sexuelle"},
    {"phrase": "orientation sexuelle", "blocks": "agression_sexuelle"},
    {"phrase": "prévention des violences sexistes", "blocks": "agression_sexuelle"},
    {"phrase": "prévention des violences sexuelles", "blocks": "agression_sexuelle"},
    {"phrase": "prévention des agressions sexuelles", "blocks": "agression_sexuelle"},
    {"phrase": "prévention du harcèlement sexuel", "blocks": "agression_sexuelle"},
    {"phrase": "lutte contre le harcèlement sexuel", "blocks": "agression_sexuelle"},
    {"phrase": "lutte contre les violences sexuelles", "blocks": "agression_sexuelle"},
    {"phrase": "lutte contre les violences sexistes", "blocks": "agression_sexuelle"},
    {"phrase": "formation sur le harcèlement sexuel", "blocks": "agression_sexuelle"},
    {"phrase": "formation sur les violences sexuelles", "blocks": "agression_sexuelle"},
    {"phrase": "sensibilisation aux violences sexistes", "blocks": "agression_sexuelle"},
    {"phrase": "sensibilisation au harcèlement sexuel", "blocks": "agression_sexuelle"},
    {"phrase": "référent harcèlement sexuel", "blocks": "agression_sexuelle"},
    {"phrase": "référent VSS", "blocks": "agression_sexuelle"},
    {"phrase": "référente harcèlement sexuel", "blocks": "agression_sexuelle"},
    {"phrase": "lutte contre le racisme", "blocks": "discours_xenophobe"},
    {"phrase": "prévention du racisme", "blocks": "discours_xenophobe"},
    {"phrase": "sensibilisation au racisme", "blocks": "discours_xenophobe"},
    {"phrase": "formation contre le racisme", "blocks": "discours_xenophobe"},
    {"phrase": "lutte contre l'antisémitisme", "blocks": "discours_xenophobe"},
    {"phrase": "origines géographiques", "blocks": "discours_xenophobe"},
    # the day the message is written is not a deadline
    {"phrase": "vous contacter aujourd'hui", "blocks": "echeance_proche"},
    {"phrase": "vous contacte aujourd'hui", "blocks": "echeance_proche"},
    {"phrase": "vous écris aujourd'hui", "blocks": "echeance_proche"},
    {"phrase": "vous sollicite aujourd'hui", "blocks": "echeance_proche"},
    {"phrase": "vous solliciter aujourd'hui", "blocks": "echeance_proche"},
    {"phrase": "reviens vers vous aujourd'hui", "blocks": "echeance_proche"},
    {"phrase": "audience du webinaire", "blocks": "echeance_proche"},
    {"phrase": "audience de notre webinaire", "blocks": "echeance_proche"},
    {"phrase": "audience de l'événement", "blocks": "echeance_proche"},
    {"phrase": "audience de la conférence", "blocks": "echeance_proche"},
    {"phrase": "élargir notre audience", "blocks": "echeance_proche"},
    {"phrase": "toucher une audience", "blocks": "echeance_proche"},
    {"phrase": "audience sur les réseaux sociaux", "blocks": "echeance_proche"},
]

#: Words before a trigger that make it a general question ("en cas d'accident du travail, ...").
HYPOTHESIS_MARKERS = ("en cas", "éventuel", "éventuelle", "éventuellement", "si jamais",
                      "au cas où", "hypothèse", "le cas échéant", "par exemple")

#: ... unless the text also tells of something that just happened.
RECENCY_MARKERS = ("hier", "ce matin", "cette nuit", "cet après-midi", "tout à l'heure",
                   "avant-hier", "la semaine dernière", "vient de", "viennent de", "hier soir",
                   "aujourd'hui", "ce week-end")

#: Negation words looked for just before a trigger ("pas d'accident", "aucun blessé").
NEGATION_WORDS = frozenset({"pas", "aucun", "aucune", "sans", "ni", "jamais", "non", "nul",
                            "nulle", "rien"})
#: Tokens that break the link between a negation and what follows ("pas sûr qu'il soit blessé").
NEGATION_BREAKERS = frozenset({"mais", "que", "qu", "car", "donc", "si", "savons", "sais",
                               "sait", "savoir", "certain", "certains", "sur", "surs",
                               "encore", "seulement", "pourtant", "cependant"})

# --- hard deadlines (echeance_proche) ----------------------------------------------------------

DEADLINE_WORDS: list[str] = [
    "audience", "audience aux prud'hommes", "convoqué au tribunal", "convocation au tribunal",
    "convocation", "convoqué", "assignation", "assigné", "référé", "bureau de jugement",
    "bureau de conciliation", "jugement", "délibéré", "plaidoirie", "comparution",
    "prud'hommes", "délai de recours", "forclusion", "mise en demeure", "date limite",
    "dernier délai", "date butoir", "au plus tard", "délai de réponse", "répondre avant",
    "entretien préalable", "mise à pied conservatoire", "mise à pied à titre conservatoire",
    "notification du licenciement", "licenciement prévu", "fin du préavis",
    "pass IAE expire", "pass expire", "expire", "expiration", "le pass se termine",
    "fin du pass", "fin de son pass", "arrive à échéance", "échéance", "échéance du pass",
    "prolongation du pass", "prend fin", "se termine", "fin de contrat", "fin du contrat",
    "terme du contrat", "fin de mission", "le conseil d'administration se réunit",
    "conseil d'administration", "le CA se réunit", "le conseil se réunit", "réunion du conseil",
    "l'assemblée générale se tient", "assemblée générale", "AG", "contrôle",
    "visite de l'inspection", "dépôt du dossier", "remise des offres", "dépôt des offres",
    "date de remise", "rendre le dossier", "signature de l'acte",
]

#: Near-date phrases (weekday names, "dans N jours" and dd/mm dates are parsed separately).
NEAR_DATE_PHRASES: list[str] = [
    "aujourd'hui", "ce soir", "cette nuit", "demain", "après-demain", "cette semaine",
    "ce week-end", "semaine prochaine", "en fin de semaine", "d'ici la fin de la semaine",
    "sous 48 h", "sous 48h", "sous 24 h", "sous 24h", "dans les prochains jours",
    "dans quelques jours", "imminent", "imminente", "d'ici lundi", "d'ici vendredi",
    "avant vendredi",
]

# --- generic cues and sensitive situations -----------------------------------------------------

#: Set check_urgency, never urgent on their own.
GENERIC_CUES: list[str] = [
    "urgent", "urgence", "en urgence", "très urgent", "de toute urgence", "SOS", "sos",
    "au plus vite", "dès que possible", "au plus tôt", "dès aujourd'hui", "rapidement",
    "immédiatement", "sans délai", "tout de suite", "c'est pressé", "pressant", "asap",
    "rappelez-moi", "me rappeler", "nous rappeler", "pouvez-vous m'appeler",
    "besoin d'un rendez-vous", "rendez-vous rapide", "échange en visio", "un appel aujourd'hui",
    "réponses immédiates", "joindre un juriste",
]

#: Serious situations outside the five report cases: a human should look (check_urgency).
REVIEW_CUES: list[str] = [
    "agression", "agressé", "violence physique", "violences", "coups", "frappé", "bagarre",
    "menaces", "menacé", "menaces de mort", "harcèlement moral", "propos homophobes",
    "homophobe", "transphobe", "tentative de suicide", "suicide", "idées suicidaires",
    "garde à vue", "interpellé", "plainte", "porter plainte", "inspection du travail",
    "danger grave et imminent", "droit de retrait", "OQTF", "expulsion",
]

# --- level signals (domain.md §5) -------------------------------------------------------------

#: Individual analysis, disputes, criminal exposure, insolvency, immigration, tax rulings...
EXPERT_SIGNALS: dict[str, float] = {
    "contentieux": 2.0, "litige": 1.5, "prud'hommes": 2.0, "prud'homale": 2.0,
    "conseil de prud'hommes": 2.0, "tribunal": 1.5, "juge": 1.5, "avocat": 1.5,
    "assignation": 2.0, "assigné": 2.0, "mise en demeure": 2.0, "contester": 2.0,
    "contestons": 2.0, "contestation": 2.0, "conteste": 2.0, "recours": 2.0,
    "faire appel": 2.0, "plainte": 2.0, "porter plainte": 2.0, "pénal": 2.0,
    "pénalement": 2.0, "poursuites": 2.0, "sanction": 1.5, "disciplinaire": 2.0,
    "licenciement": 1.5, "licencier": 1.5, "faute grave": 2.0, "inspection du travail": 1.5,
    "contrôle URSSAF": 2.0, "redressement": 1.5, "requalification": 2.0,
    "dommages et intérêts": 2.0, "indemnisation": 1.0, "responsabilité": 1.0,
    "risque-t-on": 2.0, "que risque-t-on": 2.0, "on risque quoi": 2.0, "risquons": 2.0,
    "quels risques": 1.5, "quel risque": 1.5, "risques encourus": 2.0, "dans notre cas": 2.0,
    "dans notre situation": 2.0, "dans ce cas précis": 1.5, "notre situation": 1.0,
    "cas particulier": 1.5, "cas précis": 1.5, "analyser notre": 1.5, "étudier notre dossier": 2.0,
    "titre de séjour": 2.0, "récépissé": 1.5, "rescrit": 2.0, "refus": 1.0,
    "sommes-nous en droit": 1.5, "avons-nous le droit": 1.5, "a-t-on le droit": 1.5,
    "harcèlement": 1.5, "discrimination": 1.5, "enquête interne": 1.5, "mise à pied": 1.5,
    "rupture anticipée": 1.0, "abandon de poste": 1.0, "contrefaçon": 2.0,
    "forme juridique": 1.5, "fusion": 1.5, "cessation des paiements": 2.0,
    "liquidation": 2.0, "procédure collective": 2.0, "sommes-nous responsables": 2.0,
    "engager notre responsabilité": 2.0, "préjudice": 1.5,
}

#: A general rule, a procedure, or a pointer to an existing note, model, guide or webinar.
FIRST_LEVEL_SIGNALS: dict[str, float] = {
    # "modèle" alone is too ambiguous (designs, business model): only a request for a template
    "transmettre le modèle": 2.5, "envoyer le modèle": 2.5, "avez-vous un modèle": 2.5,
    "disposez-vous d'un modèle": 2.5, "existe-t-il un modèle": 2.5, "modèle type": 2.5,
    "modèle à jour": 2.5, "modèle de contrat": 2.5, "modèle de courrier": 2.5,
    "modèle de lettre": 2.5, "modèle de convention": 2.5, "modèle de statuts": 2.5,
    "modèle d'avenant": 2.5, "modèle de CDI": 2.5, "modèle de règlement": 2.5,
    "modèle d'accord": 2.5, "modèle de procès-verbal": 2.5, "modèle de la fédération": 2.5,
    "modèles présentés": 2.5, "modèle présenté": 2.5, "trame": 2.5, "exemple de": 1.0,
    "replay": 2.5, "webinaire": 1.5,
    "support de présentation": 1.5, "diaporama": 1.5, "votre note": 2.0, "la note": 1.0,
    "note juridique": 2.0, "fiche pratique": 2.0, "fiche": 1.0, "guide": 1.5,
    "documentation": 1.5, "texte de référence": 1.5, "textes applicables": 1.0,
    "règle générale": 2.0, "en règle générale": 2.0, "de manière générale": 1.5,
    "d'une manière générale": 1.5, "en général": 1.0, "quelle est la règle": 2.0,
    "quelles sont les règles": 2.0, "rappel des règles": 2.0, "rappeler les règles": 2.0,
    "où trouver": 2.0, "où puis-je trouver": 2.0, "pourriez-vous nous transmettre": 1.5,
    "pouvez-vous nous transmettre": 1.5, "nous transmettre": 1.0, "nous envoyer": 1.0,
    "lien vers": 1.5, "checklist": 1.5, "liste des pièces": 1.5, "procédure à suivre": 1.0,
    "combien de temps": 1.0, "quel est le délai": 1.0, "à qui s'adresser": 1.5,
    "à qui devons-nous adresser": 1.5, "pour information": 1.0, "renseignement": 1.0,
}

#: Requester types that are not members: triaged nationally (domain.md §2).
NON_MEMBER_KINDS = frozenset({"reseau_partenaire", "service_etat", "porteur_ptce", "autre"})
