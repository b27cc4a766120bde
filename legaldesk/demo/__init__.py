"""The fictional demo: a builder that goes through the services, and its invented questions."""
