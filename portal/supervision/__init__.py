"""Supervisors' widgets: dashboard, exports, facilities, audit log."""
