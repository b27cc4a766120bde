"""Knowledge base: notes, revisions and French-aware search."""
