"""Anonymisation of ticket text before it becomes a note (pure functions)."""

from __future__ import annotations

import pytest

from legaldesk.kb.anonymise import (
    KnownIdentifiers,
    anonymise,
    find_personal_data,
    generalise_age,
    name_variants,
)

KNOWN = KnownIdentifiers(people=["Marie Durand"], organisations=["AI Les Tilleuls"],
                         emails=["direction@ai-tilleuls.fr"], phones=["0123456789"],
                         domains=["ai-tilleuls.fr"], places=["Mayotte"])


def clean(text: str, known: KnownIdentifiers | None = None) -> str:
    """The anonymised text only."""
    return anonymise(text, known or KNOWN).text


@pytest.mark.parametrize("phone", [
    "06 12 34 56 78", "06.12.34.56.78", "0612345678", "06-12-34-56-78", "+33 6 12 34 56 78",
    "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78", "+262 692 12 34 56", "+590 690 12 34 56",
    "+594 694 12 34 56", "+596 696 12 34 56", "+269 773 12 34", "0262 12 34 56",
])
def test_phone_numbers_in_french_and_overseas_formats(phone):
    assert clean(f"Appelez le {phone} demain.") == "Appelez le [téléphone] demain."


@pytest.mark.parametrize("reference", [
    "art. L. 5132-5", "R. 5132-1-8", "D. 5135-3", "article L1242-3", "L. 3253-8",
])
def test_article_references_are_kept(reference):
    text = f"Voir {reference} du Code du travail, le CDDI et le Pass IAE."
    assert clean(text) == text
    assert find_personal_data(text) == []


def test_emails_siret_siren_nir_iban():
    text = ("Écrire à f.benali@exemple.org. SIRET 123 456 789 00012, SIREN 123456789, "
            "NIR 1 85 05 78 006 084 36, IBAN FR76 3000 6000 0112 3456 7890 189.")
    result = anonymise(text, KnownIdentifiers())
    assert result.text == ("Écrire à [e-mail]. SIRET [SIRET], SIREN [SIREN], "
                           "NIR [n° de sécurité sociale], IBAN [IBAN].")
    assert result.counts["e-mail"] == 1 and result.counts["SIRET"] == 1


def test_postal_addresses_and_postcode_town():
    text = ("Siège : 12 bis rue de la République, 97400 Saint-Denis. Antenne au 3 avenue du "
            "Général de Gaulle 75011 Paris cedex 11. Dépôt à 97600 Mamoudzou.")
    assert clean(text, KnownIdentifiers()) == (
        "Siège : [adresse]. Antenne au [adresse]. Dépôt à [lieu].")


def test_known_people_organisation_domain_and_place():
    text = ("AI Les Tilleuls (Les Tilleuls) emploie Marie Durand ; DURAND Marie signe, Marie "
            "répond. Site www.ai-tilleuls.fr/contact ; loi sur https://www.legifrance.gouv.fr. "
            "Nous sommes à Mayotte.")
    assert clean(text) == (
        "[structure] ([structure]) emploie [personne] ; [personne] signe, [personne] répond. "
        "Site [site web] ; loi sur https://www.legifrance.gouv.fr. Nous sommes à [lieu].")


def test_civility_and_capitalised_surnames_but_not_acronyms():
    text = ("Mme Fatima BENALI et M. Jean-Pierre Martin voient Paul LEGRAND ; le CDDI, "
            "la DREETS, le Pass IAE et Monsieur le Préfet restent.")
    assert clean(text, KnownIdentifiers()) == (
        "Mme [personne] et M. [personne] voient [personne] ; le CDDI, la DREETS, le Pass IAE "
        "et Monsieur le Préfet restent.")


def test_signature_block_and_greeting():
    text = "Bonjour Julie,\nMa question.\nCordialement,\nMarie Durand\nDirectrice\n01 23 45 67 89"
    assert clean(text) == "Bonjour,\nMa question.\nCordialement,\n[signature]"


def test_dates_are_generalised_and_birth_dates_removed():
    text = ("Née le 12/03/1966, elle a signé le 3 mars 2025. Le 14 avril 2024 il a reçu la "
            "lettre datée du 02/05/2024 ; entretien le 7 juin.")
    assert clean(text, KnownIdentifiers()) == (
        "Née [date de naissance], elle a signé en mars 2025. En avril 2024 il a reçu la lettre "
        "datée du mois de mai 2024 ; entretien en juin.")


def test_ages_become_legally_meaningful_bands_and_durations_stay():
    text = ("Elle a 59 ans, âgée de 59 ans ; un salarié de 45 ans, Mme X (22 ans), un jeune "
            "de 17 ans. Il a 2 ans d'ancienneté, travaille depuis 20 ans, CDDI de 24 mois.")
    assert clean(text, KnownIdentifiers()) == (
        "Elle a entre 57 et 61 ans, âgée de 57 à 61 ans ; un salarié de 26 à 49 ans, Mme X "
        "(18 à 25 ans), un jeune de 16 à 17 ans. Il a 2 ans d'ancienneté, travaille depuis 20 "
        "ans, CDDI de 24 mois.")


@pytest.mark.parametrize(("age", "band"), [
    (15, "moins de 16 ans"), (16, "entre 16 et 17 ans"), (25, "entre 18 et 25 ans"),
    (26, "entre 26 et 49 ans"), (50, "entre 50 et 56 ans"), (57, "entre 57 et 61 ans"),
    (61, "entre 57 et 61 ans"), (62, "62 ans ou plus"), (80, "62 ans ou plus"),
])
def test_age_bands_keep_the_cdi_inclusion_threshold(age, band):
    assert generalise_age(age) == band


def test_counts_only_real_replacements():
    result = anonymise("Un contrat de 3 ans et le CDDI.", KnownIdentifiers())
    assert result.counts == {}
    assert result.text == "Un contrat de 3 ans et le CDDI."


def test_name_variants_drop_the_kind_prefix():
    assert name_variants("AI  Les Tilleuls") == ["AI Les Tilleuls", "Les Tilleuls"]
    assert name_variants("ACI Nord") == ["ACI Nord"]  # too short a remainder to replace alone


def test_find_personal_data_lists_what_is_left():
    found = find_personal_data("Contact : Mme Dupont, 06 12 34 56 78, a@b.fr, 3 rue Haute.")
    assert [kind for kind, _excerpt in found] == ["nom", "téléphone", "e-mail", "adresse"]
    assert find_personal_data("Mme [personne] a appelé le [téléphone].") == []
