"""Server-rendered SVG charts (pygal) for the SLA dashboard: no JavaScript needed to read them."""

from __future__ import annotations

import base64
import re
import sys

from markupsafe import Markup, escape

from legaldesk.sla.reports import Report

STYLE = dict(font_family="system-ui, sans-serif", background="white", plot_background="white",
             colors=("#1f4e8c", "#8a5a00", "#1c6b3a", "#a11a1a"), value_font_size=11,
             label_font_size=11, major_label_font_size=11, title_font_size=14)


def _pygal():
    """Import pygal on first use and drop the import hook it installs.

    pygal appends a legacy meta-path finder (for its map plugins, unused here) that has no
    find_spec: every later failed import would then emit an ImportWarning.
    """
    import pygal

    sys.meta_path[:] = [finder for finder in sys.meta_path
                        if type(finder).__name__ != "PluginImportFixer"]
    return pygal


# pygal always embeds its tooltip configuration as a script; the charts work without it.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _svg(chart) -> Markup:
    """The chart as an SVG image without any script (values are printed on the bars).

    An image (a data: URL), not inline SVG: pygal's own <style> and style attributes stay inside
    the image, so the page's Content-Security-Policy needs no inline style, and an image never
    runs script.
    """
    title = escape(chart.config.title or "")
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    data = base64.b64encode(svg.encode()).decode("ascii")
    return Markup(f'<img class="chart" src="data:image/svg+xml;base64,{data}" alt="{title}">')


def _chart(kind_name: str, title: str, **options):
    pygal = _pygal()
    from pygal.style import Style

    return getattr(pygal, kind_name)(
        js=[], disable_xml_declaration=True, print_values=True, explicit_size=False,
        height=320, width=760, style=Style(**STYLE), title=title, legend_at_bottom=True,
        print_zeroes=False, truncate_label=-1, x_label_rotation=0, **options)


def _days(value):
    return None if value is None else round(value, 1)


def monthly_chart(report: Report) -> str:
    """Requests per month and resolution time (mean and median, calendar days) with baseline."""
    rows = report.by.get("month", [])
    chart = _chart("Bar", "Demandes et délai de résolution par mois (jours calendaires)",
                   secondary_range=None)
    chart.x_labels = [row.key for row in rows]
    chart.add("Demandes reçues", [row.tickets for row in rows])
    chart.add("Moyenne (j)", [_days(row.resolution.mean_calendar_days) for row in rows],
              secondary=True)
    chart.add("Médiane (j)", [_days(row.resolution.median_calendar_days) for row in rows],
              secondary=True)
    chart.add("Référence 2023 (j)", [report.baseline_mean_days] * len(rows), secondary=True)
    return _svg(chart)


def breakdown_chart(report: Report, name: str, title: str) -> str:
    """First response and resolution means (calendar days) of one breakdown."""
    rows = report.by.get(name, [])
    chart = _chart("HorizontalBar", title)
    chart.x_labels = [str(row.key or "—") for row in rows]
    chart.add("1re réponse, moyenne (j)",
              [_days(row.first_response.mean_calendar_days) for row in rows])
    chart.add("Résolution, moyenne (j)", [_days(row.resolution.mean_calendar_days) for row in rows])
    return _svg(chart)


def backlog_chart(report: Report) -> str:
    """Open tickets by age."""
    chart = _chart("Bar", "Demandes ouvertes par ancienneté", show_legend=False)
    chart.x_labels = [label for label, _count in report.backlog]
    chart.add("Demandes ouvertes", [count for _label, count in report.backlog])
    return _svg(chart)
