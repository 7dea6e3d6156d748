"""`menpai`: the command line."""
