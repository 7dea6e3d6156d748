"""运维: backup, restore and key rotation."""
