"""视频门禁: gates, resident passes, visitors and the passage log."""
