"""我的回执: the receipt page's widgets and actions."""
