"""`legaldesk kb …` commands: import, search (one query or a file of queries), index upkeep."""

from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import func, select

from legaldesk.core.extensions import db
from legaldesk.kb.models import IndexQueue, Note

DOCS = [
    {"id": "code-travail:L5135-1", "title": "Code du travail - Article L5135-1",
     "body": "Les périodes de mise en situation en milieu professionnel ont pour objet de "
             "permettre à un travailleur de découvrir un métier.",
     "url": "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000028698639",
     "topics": ["pmsmp"]},
    {"id": "code-travail:L5132-5", "title": "Code du travail - Article L5132-5",
     "body": "Les entreprises d'insertion concluent des contrats à durée déterminée.",
     "url": "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000042674165"},
    {"id": "fiche:sans-titre", "body": "Pas de titre."},
]
# Other documents, so that word statistics look like a real (if small) collection.
FILLER = [{"id": f"code-travail:R{n}", "title": f"Code du travail - Article R{n}",
           "body": f"Disposition réglementaire numéro {n} relative aux congés payés."}
          for n in range(1, 9)]


@pytest.fixture
def runner(app):
    """A CLI runner bound to the test app."""
    return app.test_cli_runner()


def write_jsonl(path, records, *, gz=False, extra_line=""):
    """Write records as JSON lines (gzipped if asked), plus an optional raw line."""
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records) + extra_line
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(lines)
    else:
        path.write_text(lines, encoding="utf-8")
    return path


def test_import_gzip_then_reimport_updates(runner, tmp_path):
    source = write_jsonl(tmp_path / "docs.jsonl.gz", DOCS, gz=True, extra_line="{pas du json\n")
    result = runner.invoke(args=["kb", "import", str(source)])
    assert result.exit_code == 0, result.output + result.stderr
    assert json.loads(result.stdout.splitlines()[0]) == {
        "created": 2, "updated": 0, "unchanged": 0, "errors": 2}
    assert "ligne 4 : JSON invalide" in result.stderr and "titre manquant" in result.stderr
    assert "Index mis à jour : 2 notes." in result.stdout
    changed = [dict(DOCS[0], body="Nouveau texte de l'article."), DOCS[1]]
    again = runner.invoke(args=["kb", "import", str(write_jsonl(tmp_path / "v2.jsonl", changed))])
    assert json.loads(again.stdout.splitlines()[0]) == {
        "created": 0, "updated": 1, "unchanged": 1, "errors": 0}
    assert db.session.scalar(select(func.count(Note.id))) == 2
    assert db.session.scalar(select(func.count(IndexQueue.id))) == 0


def test_search_json_one_query_and_a_file_of_queries(runner, tmp_path):
    runner.invoke(args=["kb", "import", str(write_jsonl(tmp_path / "d.jsonl",
                                                        DOCS[:2] + FILLER))])
    result = runner.invoke(args=["kb", "search", "mise en situation", "--limit", "1", "--json"])
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 1 and set(hits[0]) == {"id", "title", "score"}
    assert hits[0]["id"] == "code-travail:L5135-1" and hits[0]["score"] > 0
    queries = tmp_path / "queries.txt"
    queries.write_text("PMSMP\n\nentreprise d'insertion\nzzzz introuvable\n", encoding="utf-8")
    result = runner.invoke(args=["kb", "search", "--queries", str(queries), "--json"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["PMSMP", "entreprise d'insertion",
                                                  "zzzz introuvable"]
    assert lines[0]["hits"][0]["id"] == "code-travail:L5135-1"
    assert lines[1]["hits"][0]["id"] == "code-travail:L5132-5"
    assert lines[2]["hits"] == []
    plain = runner.invoke(args=["kb", "search", "PMSMP"])
    assert "code-travail:L5135-1" in plain.stdout
    assert runner.invoke(args=["kb", "search"]).exit_code == 2


def test_starter_notes_reindex_apply_queue_and_status(runner):
    loaded = runner.invoke(args=["kb", "load-starter"])
    assert json.loads(loaded.stdout) == {"created": 15, "skipped": 0}
    status = json.loads(runner.invoke(args=["kb", "status"]).stdout)
    assert status == {"documents": 15, "pending": 0, "failed": 0}
    assert "Index reconstruit : 15 notes." in runner.invoke(args=["kb", "reindex"]).stdout
    applied = json.loads(runner.invoke(args=["kb", "apply-queue"]).stdout)
    assert applied == {"applied": 0, "pending": 0, "failed": 0}


def test_anonymise_reads_stdin_and_prints_text_or_json(runner, make):
    make.user("manager", email="k.benali@exemple.org", name="Karim Benali")
    text = "Karim a 52 ans ; les salariés de 50 ans et plus (article L. 5132-15-1), 06 12 34 56 78."
    plain = runner.invoke(args=["kb", "anonymise"], input=text)
    assert plain.exit_code == 0
    assert plain.stdout.strip() == ("[PERSONNE] a [ÂGE : entre 50 et 56 ans] ; les salariés de "
                                    "50 ans et plus (article L. 5132-15-1), [TÉLÉPHONE].")
    data = json.loads(runner.invoke(args=["kb", "anonymise", "--json"], input=text).stdout)
    assert data["text"] == plain.stdout.strip()
    assert data["replacements"][0] == {"original": "Karim", "start": 0, "end": 5,
                                       "kind": "PERSONNE", "replacement": "[PERSONNE]"}
    assert [r["kind"] for r in data["replacements"]] == ["PERSONNE", "ÂGE", "TÉLÉPHONE"]
