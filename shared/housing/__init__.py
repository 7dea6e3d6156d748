"""实有房屋·实有人口: housing registers imported, buildings, rooms, owners and the people records."""
