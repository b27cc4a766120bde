"""Service levels: business-time calendar, policies, clocks and reports."""
