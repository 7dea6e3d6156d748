"""The widgets of the kiosk's screens, one module per screen (`kiosk/kiosk_pages` calls them)."""
