"""Anonymisation of ticket text before it becomes a note (pure functions + the French NER model)."""

from __future__ import annotations

import pytest

from legaldesk.kb.anonymise import (
    KnownIdentifiers,
    anonymise,
    find_personal_data,
    generalise_age,
    name_variants,
    placeholder_segments,
)

KNOWN = KnownIdentifiers(people=["Marie Durand"], organisations=["AI Les Tilleuls"],
                         emails=["direction@ai-tilleuls.fr"], phones=["0123456789"],
                         domains=["ai-tilleuls.fr"], places=["Mayotte"])


def clean(text: str, known: KnownIdentifiers | None = None, use_model: bool = True) -> str:
    """The anonymised text only."""
    return anonymise(text, known or KNOWN, use_model=use_model).text


@pytest.mark.parametrize("phone", [
    "06 12 34 56 78", "06.12.34.56.78", "0612345678", "06-12-34-56-78", "+33 6 12 34 56 78",
    "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78", "+262 692 12 34 56", "+590 690 12 34 56",
    "+594 694 12 34 56", "+596 696 12 34 56", "+269 773 12 34", "0262 12 34 56",
])
def test_phone_numbers_in_french_and_overseas_formats(phone):
    assert clean(f"Appelez le {phone} demain.", use_model=False) == \
        "Appelez le [TÉLÉPHONE] demain."


@pytest.mark.parametrize("figure", [
    "art. L. 5132-5", "R. 5132-1-8", "D. 5135-3", "article L1242-3", "L. 3253-8",
    "les salariés de 50 ans et plus", "les jeunes de moins de 26 ans", "un CDDI de 24 mois",
    "une aide de 11 426 € par an", "1 801,80 euros brut", "les personnes de 57 ans et plus",
    "la loi du 5 septembre 2018", "à partir de 62 ans", "pendant 2 ans",
])
def test_legal_figures_stay_exactly_as_written(figure):
    text = f"Voir {figure} selon le Code du travail, le CDDI et le Pass IAE."
    result = anonymise(text, KNOWN)
    assert result.text == text
    assert result.replacements == []
    assert find_personal_data(text) == []


def test_bare_first_and_last_names_are_found():
    """The regression of issue 14: bare names went through both the anonymiser and the check."""
    text = "Samia El Amrani et Youssef travaillent sur le chantier ; Karim a signé avec Benali."
    result = anonymise(text, KnownIdentifiers(people=["Karim Benali"]))
    assert "Samia" not in result.text and "Youssef" not in result.text
    assert "Karim" not in result.text and "Benali" not in result.text
    assert {r.kind for r in result.replacements} == {"PERSONNE"}
    found = dict((excerpt, kind) for kind, excerpt in find_personal_data(text))
    assert found["Samia El Amrani"] == "PERSONNE" and found["Youssef"] == "PERSONNE"
    assert found["Karim"] == "PERSONNE"


def test_replacements_are_explicit_with_offsets_in_the_original():
    text = "Écrire à f.benali@exemple.org ou au 06 12 34 56 78."
    result = anonymise(text, KnownIdentifiers())
    assert result.text == "Écrire à [E-MAIL] ou au [TÉLÉPHONE]."
    assert [(r.kind, r.original, text[r.start:r.end]) for r in result.replacements] == [
        ("E-MAIL", "f.benali@exemple.org", "f.benali@exemple.org"),
        ("TÉLÉPHONE", "06 12 34 56 78", "06 12 34 56 78")]
    assert result.counts == {"E-MAIL": 1, "TÉLÉPHONE": 1}


def test_emails_siret_siren_nir_iban_case_references():
    text = ("SIRET 123 456 789 00012, SIREN 123456789, NIR 1 85 05 78 006 084 36, "
            "IBAN FR76 3000 6000 0112 3456 7890 189, dossier LD-2025-00413, affaire RG 24/00312.")
    assert clean(text, KnownIdentifiers(), use_model=False) == (
        "SIRET [SIRET], SIREN [SIREN], NIR [NIR], IBAN [IBAN], dossier [RÉFÉRENCE], affaire RG "
        "[RÉFÉRENCE].")


def test_postal_addresses_and_postcode_town():
    text = ("Siège : 12 bis rue de la République, 97400 Saint-Denis. Antenne au 3 avenue du "
            "Général de Gaulle 75011 Paris cedex 11. Dépôt à 97600 Mamoudzou.")
    assert clean(text, KnownIdentifiers(), use_model=False) == (
        "Siège : [ADRESSE]. Antenne au [ADRESSE]. Dépôt à [LIEU].")


def test_known_people_organisation_domain_and_place():
    text = ("AI Les Tilleuls (Les Tilleuls) emploie Marie Durand ; DURAND Marie signe, Marie "
            "répond. Site www.ai-tilleuls.fr/contact ; loi sur https://www.legifrance.gouv.fr. "
            "Nous sommes à Mayotte.")
    assert clean(text) == (
        "[STRUCTURE] ([STRUCTURE]) emploie [PERSONNE] ; [PERSONNE] signe, [PERSONNE] répond. "
        "Site [SITE WEB] ; loi sur https://www.legifrance.gouv.fr. Nous sommes à [LIEU].")


def test_civility_and_structures_but_not_acronyms():
    text = ("Mme Fatima BENALI et M. Jean-Pierre Martin voient Paul LEGRAND à l'ACI Le Pont "
            "Vert ; le CDDI, la DREETS, le Pass IAE et Monsieur le Préfet restent.")
    assert clean(text, KnownIdentifiers()) == (
        "Mme [PERSONNE] et M. [PERSONNE] voient [PERSONNE] à l'ACI [STRUCTURE] ; le CDDI, la "
        "DREETS, le Pass IAE et Monsieur le Préfet restent.")


def test_signature_block_and_greeting_keep_the_layout():
    text = ("Bonjour Julie,\n\nMa question :\n- un point ;\n- un autre.\n\nCordialement,\n"
            "Marie Durand\nDirectrice\n01 23 45 67 89")
    assert clean(text) == ("Bonjour [PERSONNE],\n\nMa question :\n- un point ;\n- un autre."
                           "\n\nCordialement,\n[SIGNATURE]")


def test_dates_keep_their_month_and_birth_dates_go():
    text = ("Née le 12/03/1966, elle a signé le 3 mars 2025. Le 14 avril 2024 il a reçu la "
            "lettre datée du 02/05/2024.")
    assert clean(text, KnownIdentifiers(), use_model=False) == (
        "Née le [DATE DE NAISSANCE], elle a signé le [DATE : mars 2025]. Le [DATE : avril 2024] "
        "il a reçu la lettre datée du [DATE : mai 2024].")


def test_a_persons_age_becomes_its_band_and_rules_stay():
    text = ("Elle a 59 ans, âgée de 59 ans ; un salarié de 45 ans, Mme X (22 ans). Les "
            "personnes de 50 ans et plus, moins de 26 ans ; il a 2 ans d'ancienneté.")
    assert clean(text, KnownIdentifiers(), use_model=False) == (
        "Elle a [ÂGE : entre 57 et 61 ans], âgée de [ÂGE : entre 57 et 61 ans] ; un salarié de "
        "[ÂGE : entre 26 et 49 ans], Mme X ([ÂGE : entre 18 et 25 ans]). Les personnes de 50 ans "
        "et plus, moins de 26 ans ; il a 2 ans d'ancienneté.")


@pytest.mark.parametrize(("age", "band"), [
    (15, "moins de 16 ans"), (16, "entre 16 et 17 ans"), (25, "entre 18 et 25 ans"),
    (26, "entre 26 et 49 ans"), (50, "entre 50 et 56 ans"), (57, "entre 57 et 61 ans"),
    (61, "entre 57 et 61 ans"), (62, "62 ans ou plus"), (80, "62 ans ou plus"),
])
def test_age_bands_keep_the_cdi_inclusion_threshold(age, band):
    assert generalise_age(age) == band


def test_name_variants_drop_the_kind_prefix():
    assert name_variants("AI  Les Tilleuls") == ["AI Les Tilleuls", "Les Tilleuls"]
    assert name_variants("ACI Nord") == ["ACI Nord"]  # too short a remainder to replace alone


def test_find_personal_data_lists_what_is_left():
    found = find_personal_data("Contact : Mme Dupont, 06 12 34 56 78, a@b.fr, 3 rue Haute.")
    assert [kind for kind, _excerpt in found] == ["PERSONNE", "TÉLÉPHONE", "E-MAIL", "ADRESSE"]
    assert find_personal_data("Mme [PERSONNE] a appelé le [TÉLÉPHONE].") == []


def test_placeholder_segments_mark_each_replacement_with_its_kind():
    assert placeholder_segments("Mme [PERSONNE], le [DATE : mars 2025].") == [
        ("Mme ", None), ("[PERSONNE]", "PERSONNE"), (", le ", None),
        ("[DATE : mars 2025]", "DATE"), (".", None)]


def test_the_anonymisers_own_output_leaves_no_name_to_find():
    """« Signalement Mme Kessler » becomes « Signalement Mme [PERSONNE] »: nothing left to flag."""
    known = KnownIdentifiers(people=["Kessler"])
    text = anonymise("Signalement Mme Kessler chantier Vireux", known).text
    assert "Kessler" not in text
    assert [kind for kind, _ in find_personal_data(text) if kind == "PERSONNE"] == []
