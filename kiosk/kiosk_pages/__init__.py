"""The kiosk's screens; `kiosk/app.py` shows one of them per run (no page menu)."""
