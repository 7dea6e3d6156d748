"""The floor every domain stands on.

Settings, database, clock, encryption, errors, audit, code lists, validators, spreadsheets.
"""
