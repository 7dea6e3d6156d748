"""自助申报: submitting declarations and what a declarant does with a receipt."""
