"""工作人员: accounts and sign-in."""
