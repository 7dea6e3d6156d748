"""地址清洗: reading free-text addresses and matching them to standard door plates."""
