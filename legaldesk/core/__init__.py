"""Plumbing shared by every domain: config, extensions, database, errors, web, i18n, labels."""
