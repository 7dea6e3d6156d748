"""平安出租屋: on-site safety inspections of rentals, the 整改 they order, and the rentals' ratings."""
