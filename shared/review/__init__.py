"""入屋核查: the officer's queue, the review item, decisions and work lists."""
