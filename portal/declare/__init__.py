"""The declaration forms a resident fills (also used by the kiosk's new-tenant form)."""
