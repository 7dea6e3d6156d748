"""门牌 Menpai domain package: models, services and rules shared by the portal, the kiosk and the CLI.

Never imports streamlit: everything here is plain Python taking a SQLAlchemy Session.
"""
