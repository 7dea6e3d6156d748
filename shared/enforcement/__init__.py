"""不按规定报送: landlords who do not report their tenants (发现不按规定报送信息的，一律由公安机关严格执法).

`rooms`: let rooms nobody has reported for N days while people show there; `late`: tenants
declared after the working-day rule; `landlords`: both per landlord, with the warnings officers
recorded; `export`: the list as CSV/XLSX, masked unless revealed, audited.
"""
