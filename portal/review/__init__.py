"""The officer's review pages' widgets and actions."""
