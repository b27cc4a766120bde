"""Markdown rendering of notes is sanitised: no script, no event handler, safe links only."""

from __future__ import annotations

from legaldesk.kb.markdown import markdown_to_text, render_markdown


def test_markdown_renders_structure_and_demotes_h1():
    html = str(render_markdown("# Titre\n\n**gras** et *italique*\n\n- un\n- deux\n\n"
                               "| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<h2>Titre</h2>" in html and "<h1>" not in html
    assert "<strong>gras</strong>" in html and "<em>italique</em>" in html
    assert "<li>un</li>" in html and "<td>1</td>" in html


def test_scripts_handlers_styles_and_images_are_removed():
    html = str(render_markdown(
        "<script>alert(1)</script>\n\n<p onclick=\"x()\" style=\"color:red\">texte</p>\n\n"
        "![img](https://exemple.org/i.png) <iframe src=\"https://x.org\"></iframe>"))
    for forbidden in ("<script", "alert(1)", "onclick", "style=", "<img", "<iframe"):
        assert forbidden not in html
    assert "texte" in html


def test_links_keep_only_safe_schemes_and_get_rel():
    html = str(render_markdown("[ok](https://www.legifrance.gouv.fr) [ko](javascript:alert(1)) "
                               "[data](data:text/html;base64,xx) [mail](mailto:a@b.fr)"))
    assert 'href="https://www.legifrance.gouv.fr"' in html
    assert "javascript:" not in html and "data:text" not in html
    assert 'href="mailto:a@b.fr"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_plain_text_for_the_index():
    text = markdown_to_text("## Durée\n\nLa **PMSMP** dure &amp; <b>un</b> mois.\n\n- a\n- b")
    assert "##" not in text and "**" not in text and "<b>" not in text
    assert "La PMSMP dure & un mois." in text
    assert "Durée\n" in text


def test_empty_input():
    assert str(render_markdown("")) == "" and markdown_to_text(None) == ""
