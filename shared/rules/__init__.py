"""信息自动分析、比对: the comparison rules and the records they read."""
