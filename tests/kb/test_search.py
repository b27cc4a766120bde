"""Tests of the knowledge-base search engine on small synthetic documents."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from legaldesk.kb.search import KnowledgeIndex
from legaldesk.kb.search_analysis import FrenchAnalysis
from legaldesk.kb.search_snippets import make_snippet
from legaldesk.kb.search_types import IndexBusy, SearchDocument
from legaldesk.kb.synonyms import SynonymGroup, SynonymTable


def doc(doc_id: str, title: str, body: str, **extra) -> SearchDocument:
    """A published members-only note unless told otherwise."""
    return SearchDocument(id=doc_id, title=title, body=body, **extra)


DOCS = [
    doc("cddi-acronym", "Renouveler un CDDI",
        "Le CDDI peut être renouvelé dans la limite de vingt-quatre mois.",
        topics=["contrats"], kind="note"),
    doc("cddi-words", "Durée du contrat en atelier",
        "Le contrat à durée déterminée d'insertion est conclu pour quatre mois au moins.",
        topics=["contrats"], kind="guide"),
    doc("asp-words", "Qui verse l'aide ?",
        "L'Agence de services et de paiement verse chaque mois l'aide aux structures.",
        topics=["aide_au_poste"]),
    doc("pass", "Prolonger un PASS IAE",
        "La prolongation du Pass IAE se demande sur la plateforme de l'inclusion.",
        topics=["pass_iae"]),
    doc("ett-ess", "Créer une ETT-ESS",
        "Une entreprise de travail temporaire de l'économie sociale et solidaire n'est pas "
        "conventionnée.", topics=["ett_ess"], kind="guide"),
    doc("france-travail", "S'inscrire auprès de France Travail",
        "Le salarié en fin de parcours s'inscrit comme demandeur d'emploi.",
        topics=["pass_iae"]),
    doc("accident", "Déclarer un accident du travail",
        "L'employeur déclare l'accident dans les quarante-huit heures à la caisse.",
        topics=["sante_securite"]),
    doc("rupture-phrase", "La rupture conventionnelle",
        "La rupture conventionnelle ouvre droit à une indemnité spécifique.",
        topics=["ressources_humaines"]),
    doc("rupture-apart", "Fin anticipée du contrat",
        "La rupture du contrat avant son terme suit une procédure conventionnelle particulière.",
        topics=["ressources_humaines"]),
    doc("concurrence", "La clause de non-concurrence",
        "La clause de non-concurrence doit prévoir une contrepartie financière au salarié.",
        topics=["contrats"]),
    doc("staff-only", "Consigne interne : clause de non-concurrence",
        "Vérifier la contrepartie financière de la clause de non-concurrence.",
        audience="staff", topics=["contrats"]),
    doc("draft", "Brouillon : clause de non-concurrence et mobilité",
        "Projet de note sur la clause de non-concurrence.", status="draft",
        topics=["contrats"]),
    doc("public", "Le contrat de travail",
        "Le contrat de travail lie le salarié et l'employeur.", audience="public",
        topics=["contrats"], kind="guide"),
    doc("indemnite", "Indemnité de licenciement",
        "L'indemnité légale de licenciement est due au salarié licencié.",
        topics=["ressources_humaines"]),
    doc("markup", "Balises",
        "Un texte avec <script>alert(1)</script> et une indemnité à afficher.", kind="model"),
]


@pytest.fixture(scope="module")
def table() -> SynonymTable:
    """The shipped synonym table, loaded once."""
    return SynonymTable.load()


@pytest.fixture
def kb(tmp_path: Path, table: SynonymTable) -> KnowledgeIndex:
    """An index of DOCS in a temporary directory."""
    index = KnowledgeIndex(tmp_path / "kb-index", synonyms=table)
    index.rebuild(DOCS)
    yield index
    index.close()


def ids(result) -> list[str]:
    """Hit ids of a search result."""
    return [hit.id for hit in result.hits]


# analysis ---------------------------------------------------------------------------------------


def test_elisions_are_removed_with_both_apostrophes(table: SynonymTable) -> None:
    analysis = FrenchAnalysis(table.acronyms, table.lowercase_words)
    straight = analysis.terms("l'employeur qu'il emploie d'abord")
    curly = analysis.terms("l’employeur qu’il emploie d’abord")
    assert straight == curly
    assert straight[0] == analysis.word_terms("employeur")
    assert all(terms[0] not in {"l", "qu", "d", "il"} for terms in straight)


def test_stop_words_are_dropped() -> None:
    analysis = FrenchAnalysis()
    assert analysis.terms("le contrat de la salariée et du employeur") == [
        analysis.word_terms("contrat"), analysis.word_terms("salariée"),
        analysis.word_terms("employeur")]
    assert analysis.word_terms("les") == ()


def test_accents_are_folded_after_stemming() -> None:
    analysis = FrenchAnalysis()
    accented = analysis.word_terms("indemnité")
    # Snowball stems "indemnité" to "indemn" (it needs the accent); folding comes after.
    assert accented[0] == "indemn"
    assert all(term.isascii() for term in accented)
    # The accent-free spelling a user types meets the accented one in the index.
    assert set(analysis.word_terms("indemnite")) <= set(accented)
    assert set(analysis.word_terms("Période")) & set(analysis.word_terms("periode"))


def test_acronyms_stay_whole(table: SynonymTable) -> None:
    analysis = FrenchAnalysis(table.acronyms, table.lowercase_words)
    for acronym in ("IAE", "SIAE", "CDDI", "PMSMP", "CSE"):
        assert analysis.word_terms(acronym) == (acronym.lower(),)
        assert analysis.word_terms(acronym.lower()) == (acronym.lower(),)
    assert analysis.terms("ETT-ESS") == analysis.terms("ETT ESS") == [("ett",), ("ess",)]


def test_acronym_that_is_a_word_needs_capitals(table: SynonymTable) -> None:
    analysis = FrenchAnalysis(table.acronyms, table.lowercase_words)
    assert analysis.word_terms("AI") == ("ai",)
    assert analysis.word_terms("ai") == ()  # "j'ai": a stop word, not an association


# expansion --------------------------------------------------------------------------------------


def test_acronym_finds_spelled_out_form_and_back(kb: KnowledgeIndex) -> None:
    assert {"cddi-acronym", "cddi-words"} <= set(ids(kb.search("CDDI")))
    back = ids(kb.search("contrat à durée déterminée d'insertion"))
    assert {"cddi-acronym", "cddi-words"} <= set(back)


def test_user_words_outweigh_expansions(kb: KnowledgeIndex) -> None:
    assert ids(kb.search("CDDI"))[0] == "cddi-acronym"
    assert ids(kb.search("contrat à durée déterminée d'insertion"))[0] == "cddi-words"


@pytest.mark.parametrize(("query", "expected"), [
    ("pass", "pass"), ("PASS IAE", "pass"), ("ETT ESS", "ett-ess"), ("ett-ess", "ett-ess"),
    ("pôle emploi", "france-travail"), ("Pole Emploi", "france-travail"), ("AT", "accident"),
])
def test_sector_synonyms(kb: KnowledgeIndex, query: str, expected: str) -> None:
    assert ids(kb.search(query))[0] == expected


def test_ambiguous_acronyms_are_not_expanded(kb: KnowledgeIndex) -> None:
    for acronym in ("ASP", "FDI", "CLE", "CAE"):
        result = kb.search(acronym)
        assert "|" not in result.expanded_query
        assert "asp-words" not in ids(result)


def test_expansions_are_bounded(kb: KnowledgeIndex) -> None:
    plan = kb.plan("CDDI SIAE IAE CSE DPAE SMIC CPF DSN ETP AAH RSA")
    extra = sum(len(group.alternatives) - 1 for group in plan.groups)
    assert 0 < extra <= kb.config.max_expansions
    assert all(len(group.alternatives) <= 1 + kb.config.max_expansions_per_term
               for group in plan.groups)


# queries ----------------------------------------------------------------------------------------


def test_phrase_query_requires_adjacent_words(kb: KnowledgeIndex) -> None:
    assert set(ids(kb.search("rupture conventionnelle"))) >= {"rupture-phrase", "rupture-apart"}
    assert ids(kb.search('"rupture conventionnelle"')) == ["rupture-phrase"]


def test_typo_is_tolerated_and_corrected(kb: KnowledgeIndex) -> None:
    result = kb.search("clause de non concurence")
    assert result.suggestion == "clause de non concurrence"
    assert ids(result)[0] == "concurrence"
    assert kb.search("clause de non concurrence").suggestion is None


def test_accentless_query_finds_accented_text(kb: KnowledgeIndex) -> None:
    assert ids(kb.search("indemnite de licenciement"))[0] == "indemnite"


def test_snippet_is_escaped_and_marked(kb: KnowledgeIndex) -> None:
    hit = kb.search("indemnité", kinds=["model"]).hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>indemnité</mark>" in hit.snippet


def test_make_snippet_cuts_long_text_around_matches() -> None:
    analysis = FrenchAnalysis()
    text = "remplissage " * 200 + "la période d'essai est renouvelable " + "fin " * 200
    snippet, matched = make_snippet(text, {"period", "essai"}, analysis)
    assert matched and snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>période</mark>" in snippet and "<mark>essai</mark>" in snippet


# visibility -------------------------------------------------------------------------------------


def test_staff_only_and_draft_notes_are_never_shown_to_members(kb: KnowledgeIndex) -> None:
    result = kb.search("clause non-concurrence", audiences=("public", "members"))
    assert "staff-only" not in ids(result) and "draft" not in ids(result)
    assert result.total == 1
    staff = kb.search("clause non-concurrence", audiences=("public", "members", "staff"))
    assert "staff-only" in ids(staff) and "draft" not in ids(staff)
    with_drafts = kb.search("clause non-concurrence", include_unpublished=True)
    assert {"staff-only", "draft", "concurrence"} <= set(ids(with_drafts))


def test_public_visitor_sees_public_notes_only(kb: KnowledgeIndex) -> None:
    assert ids(kb.search("contrat", audiences=("public",))) == ["public"]


def test_filters_apply_before_pagination(kb: KnowledgeIndex) -> None:
    result = kb.search("contrat", audiences=("public", "members"), pagelen=1)
    assert result.total == len({d.id for d in DOCS if _visible(d) and "contrat" in _text(d)})


def _visible(document: SearchDocument) -> bool:
    return document.audience != "staff" and document.status == "published"


def _text(document: SearchDocument) -> str:
    return (document.title + " " + document.body).lower()


# facets, pagination, similar --------------------------------------------------------------------


def test_facets_count_topics_and_kinds(kb: KnowledgeIndex) -> None:
    result = kb.search("contrat")
    kinds = {}
    topics = {}
    for document in DOCS:
        if _visible(document) and document.id in _all_ids(kb, "contrat"):
            kinds[document.kind] = kinds.get(document.kind, 0) + 1
            for topic in document.topics:
                topics[topic] = topics.get(topic, 0) + 1
    assert result.facets == {"topic": topics, "kind": kinds}
    assert sum(result.facets["kind"].values()) == result.total


def _all_ids(kb: KnowledgeIndex, query: str) -> set[str]:
    return set(ids(kb.search(query, pagelen=100)))


def test_topic_and_kind_filters(kb: KnowledgeIndex) -> None:
    guides = {d.id for d in DOCS if d.kind == "guide" and "contrat" in _text(d)}
    assert set(ids(kb.search("contrat", kinds=["guide"]))) == guides == {"cddi-words", "public"}
    assert set(ids(kb.search("contrat", topics=["ressources_humaines"]))) == {"rupture-apart"}


def test_pagination(kb: KnowledgeIndex) -> None:
    everything = ids(kb.search("contrat", pagelen=100))
    pages = [ids(kb.search("contrat", page=n, pagelen=2)) for n in (1, 2, 3)]
    assert [hit for page in pages for hit in page] == everything[:6]
    assert kb.search("contrat", page=99, pagelen=2).hits == []
    assert kb.search("contrat", page=2, pagelen=2).total == len(everything)


def test_similar_notes(kb: KnowledgeIndex) -> None:
    similar = [hit.id for hit in kb.similar("cddi-words", limit=3)]
    assert "cddi-words" not in similar
    assert similar[0] == "cddi-acronym"
    assert kb.similar("missing") == []


def test_similar_respects_visibility(kb: KnowledgeIndex) -> None:
    similar = [hit.id for hit in kb.similar("concurrence", audiences=("members",))]
    assert "staff-only" not in similar and "draft" not in similar
    assert "staff-only" in [hit.id for hit in kb.similar("concurrence")]


def test_suggest_for_text(kb: KnowledgeIndex) -> None:
    ticket = ("Bonjour, un de nos salariés en atelier chantier d'insertion arrive au bout de son "
              "CDDI et nous voudrions le renouveler. Le CDDI peut-il être renouvelé ? Merci.")
    assert kb.suggest_for_text(ticket, limit=2)[0].id == "cddi-acronym"


# writes -----------------------------------------------------------------------------------------


def test_upsert_replaces_without_duplicates(kb: KnowledgeIndex) -> None:
    changed = doc("concurrence", "La clause d'exclusivité", "Une clause d'exclusivité limite "
                  "le cumul d'emplois.", topics=["contrats"])
    assert kb.upsert([changed, changed]) == 1
    assert ids(kb.search("exclusivité")) == ["concurrence"]
    assert "concurrence" not in ids(kb.search("contrepartie financière"))
    assert kb.doc_count() == len(DOCS)


def test_upsert_adds_and_delete_removes(kb: KnowledgeIndex) -> None:
    kb.upsert([doc("new", "Mise à disposition en EBE", "Une entreprise à but d'emploi ...")])
    assert ids(kb.search("EBE")) == ["new"]
    assert kb.delete(["new", "unknown"]) == 1
    assert kb.search("EBE").hits == []
    assert kb.doc_count() == len(DOCS)


def test_rebuild_replaces_everything(kb: KnowledgeIndex) -> None:
    assert kb.rebuild([doc("only", "Seul document", "Le texte du seul document.")]) == 1
    assert kb.doc_count() == 1
    assert kb.search("clause").hits == []
    assert ids(kb.search("document")) == ["only"]


def test_rebuild_with_new_acronyms_swaps_the_index(kb: KnowledgeIndex) -> None:
    group = SynonymGroup(("QVCT", "qualité de vie et des conditions de travail"),
                         acronyms=frozenset({"QVCT"}))
    fresh = KnowledgeIndex(kb.path, synonyms=SynonymTable([group]))
    note = doc("qvct", "La QVCT", "Négocier sur la qualité de vie et des conditions de travail.")
    assert fresh.rebuild([note]) == 1
    assert ids(fresh.search("QVCT")) == ["qvct"]
    assert fresh.analysis.word_terms("qvct") == ("qvct",)
    assert ids(kb.search("QVCT")) == ["qvct"]  # an older handle follows the swapped index
    assert [p.name for p in kb.path.parent.iterdir()] == [kb.path.name]
    fresh.close()


def test_a_schema_pickled_before_the_engine_split_still_loads(kb: KnowledgeIndex) -> None:
    """Indexes written when the engine was one module pickled its analyzers under that name."""
    schema = kb.build_schema()
    current = pickle.dumps(schema, protocol=0)  # protocol 0 names classes as "c<module>\n"
    old = current.replace(b"clegaldesk.kb.search_analysis\n", b"clegaldesk.kb.search\n")
    assert old != current
    loaded = pickle.loads(old)
    for name in ("title", "body", "spell"):
        assert loaded[name].analyzer == schema[name].analyzer


def test_other_process_changes_are_seen(kb: KnowledgeIndex, table: SynonymTable) -> None:
    reader_side = KnowledgeIndex(kb.path, synonyms=table)
    assert reader_side.search("mécénat").hits == []
    kb.upsert([doc("mecenat", "Le rescrit mécénat", "Un rescrit fiscal sur le mécénat.")])
    assert ids(reader_side.search("mécénat")) == ["mecenat"]
    reader_side.close()


def test_index_busy_when_another_writer_holds_the_lock(kb: KnowledgeIndex) -> None:
    holder = whoosh_index.open_dir(str(kb.path)).writer()
    try:
        with pytest.raises(IndexBusy):
            kb.upsert([doc("late", "En attente", "Texte.")], timeout=0.2)
        with pytest.raises(IndexBusy):
            kb.delete(["concurrence"], timeout=0.2)
        assert ids(kb.search("clause non-concurrence"))  # readers never wait for the lock
    finally:
        holder.cancel()
    assert kb.upsert([doc("late", "En attente", "Texte.")], timeout=1.0) == 1


def test_empty_query(kb: KnowledgeIndex) -> None:
    result = kb.search("  ")
    assert result.hits == [] and result.total == 0 and result.suggestion is None
