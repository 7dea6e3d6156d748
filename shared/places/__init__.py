"""标准地址库: streets, door plates, signed links, QR codes, printed sheets, maintenance, area, search."""
